import type { MailTransport, OutgoingEmail, Secret, SendResult } from '@mailwright/core'
import { sendOnce } from './send-once.js'

/** Options of {@link office365RelayTransport}. */
export interface Office365RelayOptions {
  /** The tenant's MX endpoint, e.g. `contoso-com.mail.protection.outlook.com` (never an IP address). */
  host: string
  /** Default 25. */
  port?: number
  /** Extra CA certificates to trust (the emulator's); Microsoft's chain is trusted by default. */
  ca?: string
  /** The server name the certificate must carry. Default the host. */
  servername?: string
  /**
   * For a certificate connector: the client certificate (PEM, full chain) whose CN or SAN is an accepted
   * domain, and its key. Without it the connector must match this machine's public IP.
   */
  clientCertificate?: { cert: string; key: Secret }
}

/**
 * Relay through an Office 365 inbound connector: the tenant's MX endpoint on port 25, no SMTP AUTH,
 * STARTTLS required with TLS 1.2+ and the certificate checked; the connector recognises the sender by its
 * IP or by the client certificate given here. Any address in an accepted domain may send; recipients may be
 * outside the tenant. Wrap it with guardedTransport (environmentTransport does) for the allowlist.
 *
 * @example
 * const transport = office365RelayTransport({ host: 'contoso-com.mail.protection.outlook.com', clientCertificate: { cert, key: new Secret(keyPem) } })
 */
export function office365RelayTransport(options: Office365RelayOptions): MailTransport {
  const port = options.port ?? 25
  const { host } = options
  return {
    description: `${host}:${port} (relay)`,
    async send(email: OutgoingEmail): Promise<SendResult> {
      return sendOnce(
        {
          host,
          port,
          secure: false,
          requireTLS: true,
          tls: {
            minVersion: 'TLSv1.2',
            servername: options.servername ?? host,
            ...(options.ca ? { ca: options.ca } : {}),
            ...(options.clientCertificate
              ? { cert: options.clientCertificate.cert, key: options.clientCertificate.key.reveal() }
              : {}),
          },
        },
        email,
      )
    },
    close: async () => {},
  }
}

import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import { type ClientCredentials, createTokenProvider } from './token-provider.js'

/** Options of {@link office365NodemailerOptions}. */
export interface Office365NodemailerOptions {
  /** The mailbox that authenticates. */
  user: string
  credentials: ClientCredentials
  /** Default smtp.office365.com:587. */
  host?: string
  port?: number
  /** Extra CA certificates to trust (the emulator's). */
  ca?: string
  /** The server name the certificate must carry. Default the host. */
  servername?: string
}

/**
 * nodemailer settings for an application that submits to Office 365 the way Microsoft documents it:
 * STARTTLS required with TLS 1.2+, the certificate checked, XOAUTH2 with a client-credentials token that
 * MSAL caches and renews (nodemailer asks again when the server refuses a token).
 *
 * @example
 * const transport = nodemailer.createTransport(office365NodemailerOptions({ user: 'app@contoso.com', credentials }))
 */
export function office365NodemailerOptions(options: Office365NodemailerOptions): SMTPTransport.Options {
  const tokens = createTokenProvider(options.credentials)
  return {
    ...office365TlsOptions(options),
    auth: {
      type: 'OAuth2',
      user: options.user,
      provisionCallback: (_user, _renew, callback) => {
        tokens.getToken('https://outlook.office365.com/.default').then(
          (token) => callback(null, token.accessToken),
          (error: Error) => callback(error),
        )
      },
    },
  }
}

/** smtp.office365.com's connection rules: port 587, STARTTLS required, TLS 1.2+, certificate checked. */
export function office365TlsOptions(options: {
  host?: string
  port?: number
  ca?: string
  servername?: string
}) {
  const host = options.host ?? 'smtp.office365.com'
  return {
    host,
    port: options.port ?? 587,
    secure: false,
    requireTLS: true,
    tls: {
      minVersion: 'TLSv1.2' as const,
      servername: options.servername ?? host,
      ...(options.ca ? { ca: options.ca } : {}),
    },
  }
}

import type { MailTransport, OutgoingEmail, Secret, SendResult } from '@mailwright/core'
import { office365TlsOptions } from './office365-nodemailer-options.js'
import { sendOnce } from './send-once.js'
import { type ClientCredentials, createTokenProvider } from './token-provider.js'

/** Options of {@link office365SmtpTransport}. */
export type Office365SmtpOptions = {
  /** The mailbox that authenticates (and, without Send As, the only allowed From). */
  user: string
  /** Default smtp.office365.com:587, STARTTLS required, TLS 1.2 or later, certificate verified. */
  host?: string
  port?: number
  /** Extra CA certificates to trust (the emulator's); Microsoft's chain is trusted by default. */
  ca?: string
  /** The server name the certificate must carry. Default the host. */
  servername?: string
  /** Told when Basic auth is used (Microsoft is retiring it). Default: console.warn. */
  onWarning?(message: string): void
} & ({ auth: 'oauth2'; credentials: ClientCredentials } | { auth: 'basic'; password: Secret })

export const BASIC_AUTH_WARNING =
  'Office 365 Basic authentication for SMTP AUTH is being retired: Microsoft disables it by default for existing tenants at the end of December 2026 (tenants created later never have it) and will announce final removal in the second half of 2027. Move this environment to auth: "oauth2".'

/**
 * Client submission to Office 365 (smtp.office365.com:587): STARTTLS required with TLS 1.2+, the
 * certificate checked, OAuth2 through a client-credentials token (XOAUTH2, cached and refreshed by MSAL),
 * or Basic with a warning. Wrap it with guardedTransport for the allowlist, throttling and retries.
 *
 * @example
 * const transport = office365SmtpTransport({ user: 'qa@contoso.com', auth: 'oauth2', credentials })
 */
export function office365SmtpTransport(options: Office365SmtpOptions): MailTransport {
  const host = options.host ?? 'smtp.office365.com'
  const port = options.port ?? 587
  const tokens = options.auth === 'oauth2' ? createTokenProvider(options.credentials) : undefined
  if (options.auth === 'basic') (options.onWarning ?? ((m) => console.warn(m)))(BASIC_AUTH_WARNING)
  const base = office365TlsOptions({ host, port, ca: options.ca, servername: options.servername })
  return {
    description: `${host}:${port}`,
    async send(email: OutgoingEmail): Promise<SendResult> {
      const auth = tokens
        ? {
            type: 'OAuth2' as const,
            user: options.user,
            accessToken: (await tokens.getToken('https://outlook.office365.com/.default')).accessToken,
          }
        : { user: options.user, pass: (options as { password: Secret }).password.reveal() }
      return sendOnce({ ...base, auth }, email)
    },
    close: async () => {},
  }
}

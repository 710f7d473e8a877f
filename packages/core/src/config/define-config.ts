import type { DnsRecords } from '../auth/dns-resolver.js'
import type { EnvReference } from './env.js'
import type { RecipientRule } from './recipient-guard.js'

/** A config value written in the file, or read from an environment variable with `env()`. */
export type ConfigValue = string | EnvReference

/** A mailbox reached through Microsoft Graph with an app's client credentials (read back or sendMail). */
export interface GraphMailboxConfig {
  mailbox: string
  tenantId: ConfigValue
  clientId: ConfigValue
  clientSecret: ConfigValue
  /** Graph and login.microsoftonline.com stand-ins: for the emulator only. */
  graphUrl?: string
  loginUrl?: string
}

/** The capture servers an environment can run in a container (`inbox: { type: 'container', server }`). */
export const CAPTURE_SERVERS = ['mailpit', 'maildev'] as const

/** Where a test's inbox lives. */
export type InboxConfig =
  | { type: 'local'; smtpPort?: number; httpPort?: number; domain?: string }
  | { type: 'server'; url: ConfigValue }
  | (GraphMailboxConfig & {
      type: 'graph'
      /** How often Graph is asked for new mail, in ms. Default 2,000. */
      pollMs?: number
    })
  | {
      type: 'imap'
      host: string
      port?: number
      user: ConfigValue
      password?: ConfigValue
      accessToken?: ConfigValue
      secure?: boolean
      /** Log in without TLS when the server offers no STARTTLS: only for a test server on a trusted network. */
      allowPlaintextAuth?: boolean
    }
  | {
      type: 'container'
      server: (typeof CAPTURE_SERVERS)[number]
      image?: string
      /**
       * Fixed ports on 127.0.0.1 (default: free ones). Give them when the app under test is started before the
       * container (a Playwright `webServer`) and must be told its SMTP port in advance.
       */
      ports?: { smtp?: number; api?: number }
    }

/** How tests (and in-process code under test) send mail. */
export type TransportConfig =
  | { type: 'inbox' }
  | {
      type: 'office365-smtp'
      user: string
      auth: 'oauth2' | 'basic'
      host?: string
      port?: number
      tenantId?: ConfigValue
      clientId?: ConfigValue
      clientSecret?: ConfigValue
      password?: ConfigValue
      /** Extra CA (PEM) and certificate name, and a login.microsoftonline.com stand-in: for the emulator only. */
      ca?: string
      servername?: string
      loginUrl?: string
    }
  | {
      type: 'office365-relay'
      /** The tenant's MX endpoint, e.g. `contoso-com.mail.protection.outlook.com`. */
      host: string
      port?: number
      /** For a certificate connector: the client certificate chain (PEM) and its key (a secret: `env()`). */
      clientCertificate?: ConfigValue
      clientKey?: ConfigValue
      /** Extra CA (PEM) and certificate name: for the emulator only. */
      ca?: string
      servername?: string
    }
  | (GraphMailboxConfig & { type: 'graph' })

/** The production sender as receivers see it, for verdicts computed here. */
export interface ProfileConfig {
  senderIp: string
  helo?: string
  /** `system`, a zone or .json file (`{ zone: './dns.zone' }`), or records inline. */
  dns?: 'system' | { zone: string } | { records: DnsRecords }
}

/** One environment: what "sandbox" or "staging" means. */
export interface EnvironmentConfig {
  inbox?: InboxConfig
  transport?: TransportConfig
  profile?: ProfileConfig
  /** Every recipient of a real send must match one of these (`*@contoso.com`, `qa+*@contoso.com`, RegExp). */
  allowRecipients?: RecipientRule[]
  timeouts?: { email?: number; noEmail?: number }
}

/** The whole configuration. */
export interface MailwrightConfig {
  environments: Record<string, EnvironmentConfig>
  /** Used when neither MAILWRIGHT_ENV nor a runner option names one. Default `sandbox`. */
  defaultEnvironment?: string
}

/**
 * Declares the environments a suite can run against; `MAILWRIGHT_ENV` (or a Playwright project's
 * `mailEnv`) picks one. Secrets come only from environment variables, through `env()`.
 *
 * @example
 * // mailwright.config.ts
 * export default defineConfig({
 *   environments: {
 *     sandbox: { inbox: { type: 'local' } },
 *     staging: {
 *       inbox: { type: 'graph', mailbox: 'qa@contoso.com', tenantId: env('O365_TENANT_ID'), clientId: env('O365_CLIENT_ID'), clientSecret: env('O365_CLIENT_SECRET') },
 *       transport: { type: 'office365-smtp', user: 'qa@contoso.com', auth: 'oauth2', tenantId: env('O365_TENANT_ID'), clientId: env('O365_CLIENT_ID'), clientSecret: env('O365_CLIENT_SECRET') },
 *       allowRecipients: ['*@contoso.com'],
 *       timeouts: { email: 120_000 },
 *     },
 *   },
 * })
 */
export function defineConfig(config: MailwrightConfig): MailwrightConfig {
  return config
}

import type { DnsRecords } from '../auth/dns-resolver.js'
import type { ChecksConfig } from '../content-checks.js'
import type { InboxFault } from '../smtp-fault.js'
import type { MailwrightPlugin } from './define-plugin.js'
import type { EnvReference } from './env.js'
import type { RecipientRule } from './recipient-guard.js'

/** A config value written in the file, or read from an environment variable with `env()`. */
export type ConfigValue = string | EnvReference

/**
 * The inbox types an environment can name (`inbox: { type, … }`), by `type`. Core knows two: `local` (the
 * runner's capture inbox) and `server` (an inbox server reached over HTTP). Every other type comes from the
 * package that provides it, which adds its config here by declaration merging, as Vitest's
 * `ProvidedContext` is extended, and registers its factory with {@link definePlugin}.
 *
 * @example
 * // in a back-end package
 * declare module '@mailwright/core' {
 *   interface InboxTypes {
 *     pop3: { host: string; user: ConfigValue; password: ConfigValue }
 *   }
 * }
 */
export interface InboxTypes {
  /** The run's capture inbox (the runner starts it, or each worker starts its own). */
  local: Record<never, never>
  /** An inbox server another process started (`mailwright serve`), reached over HTTP. */
  server: { url: ConfigValue }
}

/**
 * The transport types an environment can name (`transport: { type, … }`), by `type`. Core knows `inbox`
 * (send into the capture inbox); packages add theirs as for {@link InboxTypes}.
 *
 * @example
 * declare module '@mailwright/core' {
 *   interface TransportTypes {
 *     // apiKey is listed in the type's `secrets`: env() only, a Secret when resolved, never printed.
 *     'acme-relay': { host: string; apiKey: ConfigValue }
 *   }
 * }
 */
export interface TransportTypes {
  /** Into the capture inbox: the sandbox. */
  inbox: Record<never, never>
}

/** Where a test's inbox lives: one of the {@link InboxTypes}, with its `type`. */
export type InboxConfig = { [K in keyof InboxTypes]: { type: K } & InboxTypes[K] }[keyof InboxTypes]

/** How tests (and in-process code under test) send mail: one of the {@link TransportTypes}, with its `type`. */
export type TransportConfig = {
  [K in keyof TransportTypes]: { type: K } & TransportTypes[K]
}[keyof TransportTypes]

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
  /**
   * How the content checks run here (`toHaveSpamScore`, `toBeCompatibleWith`, `toHaveWorkingLinks`,
   * `toBeAccessible`): which spam filter, the clients, the hosts links may reach. They need
   * `@mailwright/checks`; see docs/content-checks.md.
   */
  checks?: ChecksConfig
  /**
   * Faults every inbox of this environment gets as its test starts, before the test's own
   * (`inbox.simulate()`): a whole suite run against a capture inbox that greylists, or throttles like
   * Office 365. Each inbox counts `times` for itself. Needs the capture inbox; see docs/faults.md.
   *
   * @example
   * flaky: { inbox: { type: 'local' }, faults: [{ preset: 'office365-throttling', times: 1 }] }
   */
  faults?: InboxFault[]
}

/** The whole configuration. */
export interface MailwrightConfig {
  environments: Record<string, EnvironmentConfig>
  /** Used when neither MAILWRIGHT_ENV nor a runner option names one. Default `sandbox`. */
  defaultEnvironment?: string
  /**
   * Inbox and transport types defined in the project itself. Installed packages that provide types are
   * found without being listed (their package.json names their plugin).
   */
  plugins?: MailwrightPlugin[]
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

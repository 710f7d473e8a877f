import type { SendingProfile } from '../auth/compute-email-auth.js'
import type { InboxProvider } from '../connect-inbox-server.js'
import type { MailTransport } from '../submission/mail-transport.js'
import type { InboxTypes, TransportTypes } from './define-config.js'
import type { EnvReference } from './env.js'
import type { ResolvedEnvironment } from './resolve-environment.js'
import type { Secret } from './secret.js'

/**
 * Keys whose values are secrets wherever they appear: they must come from `env()`, are wrapped in
 * {@link Secret} and never print. A type names more with its definition's `secrets`.
 */
export type SecretKey = 'clientSecret' | 'password' | 'accessToken' | 'clientKey'

/** The secret keys, for the checks at run time (the same names as {@link SecretKey}). */
export const SECRET_KEYS: ReadonlySet<string> = new Set<SecretKey>([
  'clientSecret',
  'password',
  'accessToken',
  'clientKey',
])

/** One value after resolution: an `env()` reference becomes the variable's text, or a Secret for a secret key. */
type ResolvedValue<V, K> = V extends EnvReference ? (K extends SecretKey ? Secret : string) : V

/** A config section after resolution: `env()` values read, secrets wrapped in {@link Secret}. */
export type ResolvedConfig<T> = {
  [K in keyof T]: K extends SecretKey ? Secret | Extract<T[K], undefined> : ResolvedValue<T[K], K>
}

/** An inbox type's config after resolution, with its `type`. */
export type ResolvedInboxConfig<K extends keyof InboxTypes> = ResolvedConfig<{ type: K } & InboxTypes[K]>

/** A transport type's config after resolution, with its `type`. */
export type ResolvedTransportConfig<K extends keyof TransportTypes> = ResolvedConfig<
  { type: K } & TransportTypes[K]
>

/** What an inbox type's factory is given besides its config. */
export interface InboxTypeContext {
  environment: ResolvedEnvironment
  /** The config key of the inbox, for messages: `environments.staging.inbox`. */
  key: string
  /** The environment's sending profile, ready for verdicts; undefined when it declares none. */
  profile: SendingProfile | undefined
  /** The {@link RunInbox.description} of the run's inbox, when the runner's global setup started one. */
  run?: string
}

/** An inbox started once for a whole run (by a runner's global setup), which test workers connect to. */
export interface RunInbox {
  /** Handed to the test workers as is (an environment variable, Vitest's `provide`): plain text. */
  description: string
  /** Where the application under test sends mail. */
  smtp: { host: string; port: number }
  /** The HTTP API, when it has one. */
  url?: string
  /** The certificate (PEM) its SMTP listener offers with STARTTLS, when it has one. */
  ca?: string
  stop(): Promise<void>
}

/** Ports a runner asks a run's inbox to listen on (0 or absent: free ones). */
export interface RunInboxPorts {
  smtp?: number
  http?: number
}

/**
 * One inbox type: its `type` (a key of {@link InboxTypes}), the keys it needs, the checks the type system
 * cannot make, and the factory of a test worker's inboxes. A type that can be shared by a whole run (a
 * server, a container) also says how to start it once.
 */
export interface InboxType<K extends keyof InboxTypes> {
  readonly type: K
  /** Keys the config must give: a missing one is a ConfigError naming it. */
  readonly required?: ReadonlyArray<keyof InboxTypes[K] & string>
  /** Keys besides {@link SecretKey}'s names whose values are secrets: `env()` only, redacted everywhere. */
  readonly secrets?: ReadonlyArray<keyof InboxTypes[K] & string>
  /** Every key the type takes, when given: any other key (a typo such as `domian`) is a ConfigError. */
  readonly keys?: ReadonlyArray<keyof InboxTypes[K] & string>
  /** Checks values and combinations; throws a ConfigError naming the key (`${key}.name`). */
  check?(config: ResolvedInboxConfig<K>, key: string): void
  /** The inboxes of one test worker: connected to `context.run` when the run started one. */
  connect(config: ResolvedInboxConfig<K>, context: InboxTypeContext): Promise<InboxProvider>
  /** Starts the inbox once for a run (a runner's global setup calls it); workers connect with `context.run`. */
  startRun?(
    config: ResolvedInboxConfig<K>,
    context: Omit<InboxTypeContext, 'run'> & { ports?: RunInboxPorts },
  ): Promise<RunInbox>
}

/** What a transport type's factory is given besides its config. */
export interface TransportTypeContext {
  environment: ResolvedEnvironment
  /** The config key of the transport, for messages: `environments.staging.transport`. */
  key: string
  /** The capture inbox's SMTP address, when one runs (the sandbox). */
  sandboxSmtp?: { host: string; port: number }
}

/**
 * One transport type: its `type` (a key of {@link TransportTypes}), the keys it needs, its checks, and its
 * factory. Core puts the recipient guard around every transport that leaves the sandbox.
 */
export interface TransportType<K extends keyof TransportTypes> {
  readonly type: K
  readonly required?: ReadonlyArray<keyof TransportTypes[K] & string>
  /** Keys besides {@link SecretKey}'s names whose values are secrets: `env()` only, redacted everywhere. */
  readonly secrets?: ReadonlyArray<keyof TransportTypes[K] & string>
  /** Every key the type takes, when given: any other key (a typo) is a ConfigError. */
  readonly keys?: ReadonlyArray<keyof TransportTypes[K] & string>
  check?(config: ResolvedTransportConfig<K>, key: string): void
  create(config: ResolvedTransportConfig<K>, context: TransportTypeContext): Promise<MailTransport>
}

/** Any registered inbox type. */
export type AnyInboxType = { [K in keyof InboxTypes]: InboxType<K> }[keyof InboxTypes]
/** Any registered transport type. */
export type AnyTransportType = { [K in keyof TransportTypes]: TransportType<K> }[keyof TransportTypes]

/** The inbox and transport types a package (or a project) provides. */
export interface MailwrightPlugin {
  /** The package or project it comes from, for messages. */
  readonly name: string
  readonly inboxTypes?: readonly AnyInboxType[]
  readonly transportTypes?: readonly AnyTransportType[]
}

/**
 * Declares the inbox and transport types a package provides. A package makes its plugin the default
 * export of a light module (heavy dependencies imported inside the factories) and names that module in
 * its package.json (`"mailwright": { "plugin": "./dist/plugin.js" }`): a project that installs the package
 * can then use its types in mailwright.config.ts with no other step. A project's own types go in the
 * config's `plugins`.
 *
 * @example
 * // plugin.ts of a package providing `inbox: { type: 'pop3', host, user, password }`
 * declare module '@mailwright/core' {
 *   interface InboxTypes {
 *     pop3: { host: string; user: ConfigValue; password: ConfigValue }
 *   }
 * }
 * export default definePlugin({
 *   name: 'mailwright-pop3',
 *   inboxTypes: [
 *     {
 *       type: 'pop3',
 *       required: ['host', 'user', 'password'],
 *       connect: async (config, context) => (await import('./pop3-inbox.js')).connectPop3(config, context.profile),
 *     },
 *   ],
 * })
 */
export function definePlugin(plugin: MailwrightPlugin): MailwrightPlugin {
  return plugin
}

/** A registered inbox type as the registry holds it: looked up by name at run time, its config checked by it. */
export interface RegisteredInboxType {
  readonly type: string
  readonly required?: readonly string[]
  readonly secrets?: readonly string[]
  readonly keys?: readonly string[]
  check?(config: RegisteredConfig, key: string): void
  connect(config: RegisteredConfig, context: InboxTypeContext): Promise<InboxProvider>
  startRun?(
    config: RegisteredConfig,
    context: Omit<InboxTypeContext, 'run'> & { ports?: RunInboxPorts },
  ): Promise<RunInbox>
}

/** A registered transport type as the registry holds it. */
export interface RegisteredTransportType {
  readonly type: string
  readonly required?: readonly string[]
  readonly secrets?: readonly string[]
  readonly keys?: readonly string[]
  check?(config: RegisteredConfig, key: string): void
  create(config: RegisteredConfig, context: TransportTypeContext): Promise<MailTransport>
}

/** A resolved config section whose type is known only by its `type` name. */
export type RegisteredConfig = { type: string } & Record<string, unknown>

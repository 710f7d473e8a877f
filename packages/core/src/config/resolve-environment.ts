import { isIP } from 'node:net'
import type { ChecksConfig } from '../content-checks.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { type InboxFault, resolveFault } from '../smtp-fault.js'
import { scaledTimeout } from '../time-scale.js'
import { checkChecksConfig } from './check-checks-config.js'
import { ConfigError } from './config-error.js'
import { corePlugin } from './core-plugin.js'
import type { InboxConfig, MailwrightConfig, ProfileConfig, TransportConfig } from './define-config.js'
import {
  type RegisteredInboxType,
  type RegisteredTransportType,
  type ResolvedConfig,
  SECRET_KEYS,
} from './define-plugin.js'
import { isEnvReference } from './env.js'
import type { RecipientRule } from './recipient-guard.js'
import {
  findInboxType,
  findTransportType,
  isCoreType,
  pluginFailures,
  projectManifests,
  registeredTypes,
  registerPlugin,
} from './register-plugin.js'
import { Secret } from './secret.js'

registerPlugin(corePlugin)

/** The chosen environment, checked and with its values read. */
export interface ResolvedEnvironment {
  name: string
  /** True when mail never leaves this machine (the transport is the capture inbox). */
  sandbox: boolean
  inbox: ResolvedConfig<InboxConfig>
  transport: ResolvedConfig<TransportConfig>
  profile?: ProfileConfig
  allowRecipients: RecipientRule[]
  timeouts: { email: number; noEmail: number }
  /** How the content checks run here (`checks` of the config, checked). */
  checks: ChecksConfig
  /** Faults each inbox gets as its test starts (`faults` of the config, checked). */
  faults: InboxFault[]
  /** Every secret this environment holds, for redaction. */
  secrets: Secret[]
}

/**
 * Picks the environment (explicit name, else `MAILWRIGHT_ENV`, else the config's default, else
 * `sandbox`), checks it against the plugins that provide its inbox and transport types (the config's own,
 * then the project's installed packages), and reads its `env()` values. Every problem is a ConfigError that
 * names the key and says what to do; secrets are wrapped in {@link Secret}.
 *
 * @example
 * const environment = await resolveEnvironment(config) // MAILWRIGHT_ENV=staging → the staging environment
 */
export async function resolveEnvironment(
  config: MailwrightConfig,
  options: { name?: string; env?: NodeJS.ProcessEnv; directory?: string } = {},
): Promise<ResolvedEnvironment> {
  const vars = options.env ?? process.env
  if (
    !config ||
    typeof config !== 'object' ||
    typeof config.environments !== 'object' ||
    config.environments === null
  ) {
    throw new ConfigError(
      'environments',
      'is missing',
      'Export defineConfig({ environments: { sandbox: { inbox: { type: "local" } } } }).',
    )
  }
  const names = Object.keys(config.environments)
  // An empty name (MAILWRIGHT_ENV= in a shell or CI file) means unset, not an environment called "".
  const name = options.name || vars.MAILWRIGHT_ENV || config.defaultEnvironment || 'sandbox'
  const chosen = config.environments[name]
  if (!chosen) {
    const how = options.name
      ? `the name ${JSON.stringify(name)}`
      : vars.MAILWRIGHT_ENV
        ? `MAILWRIGHT_ENV=${name}`
        : `the default ${JSON.stringify(name)}`
    throw new ConfigError(
      `environments.${name}`,
      `does not exist (chosen by ${how})`,
      `Defined environments: ${names.join(', ') || '(none)'}.`,
    )
  }
  const base = `environments.${name}`
  const secrets: Secret[] = []
  const directory = options.directory ?? process.cwd()
  for (const plugin of config.plugins ?? []) registerPlugin(plugin)
  const inboxSection = chosen.inbox ?? { type: 'local' }
  const inboxType = await findInboxType(typeOf(inboxSection), directory)
  const inbox = resolveSection(
    inboxSection,
    `${base}.inbox`,
    'inbox',
    inboxType,
    vars,
    secrets,
    directory,
  ) as ResolvedConfig<InboxConfig>
  const transportSection = chosen.transport ?? { type: 'inbox' }
  const transportType = await findTransportType(typeOf(transportSection), directory)
  const transport = resolveSection(
    transportSection,
    `${base}.transport`,
    'transport',
    transportType,
    vars,
    secrets,
    directory,
  ) as ResolvedConfig<TransportConfig>
  // Core's own `inbox` transport, which no package can replace: mail never leaves this machine.
  const sandbox = transport.type === 'inbox' && isCoreType('transport', 'inbox')
  const allowRecipients = chosen.allowRecipients ?? []
  if (
    !Array.isArray(allowRecipients) ||
    !allowRecipients.every((r) => typeof r === 'string' || r instanceof RegExp)
  ) {
    throw new ConfigError(
      `${base}.allowRecipients`,
      'must be a list of strings or RegExps',
      "Write e.g. allowRecipients: ['*@contoso.com'].",
    )
  }
  if (!sandbox && allowRecipients.length === 0) {
    throw new ConfigError(
      `${base}.allowRecipients`,
      `is empty, but this environment sends real mail (transport ${transport.type})`,
      "List the test domains or addresses that may receive it, e.g. allowRecipients: ['*@contoso.com'], so a real customer can never be mailed.",
    )
  }
  if (chosen.profile !== undefined) checkProfile(chosen.profile, `${base}.profile`)
  const timeouts = {
    // Defaults stretch with MAILWRIGHT_TIME_SCALE on a busy runner; values the config gives are kept.
    email: chosen.timeouts?.email ?? scaledTimeout(sandbox ? 10_000 : 120_000),
    noEmail: chosen.timeouts?.noEmail ?? scaledTimeout(sandbox ? 2_000 : 30_000),
  }
  for (const [key, value] of Object.entries(timeouts)) {
    if (!Number.isFinite(value) || value < 0)
      throw new ConfigError(
        `${base}.timeouts.${key}`,
        `is ${JSON.stringify(value)}`,
        'Give milliseconds >= 0.',
      )
  }
  const checks = checkChecksConfig(chosen.checks, `${base}.checks`)
  const faults = checkFaults(chosen.faults, `${base}.faults`)
  return {
    name,
    sandbox,
    inbox,
    transport,
    profile: chosen.profile,
    allowRecipients,
    timeouts,
    checks,
    faults,
    secrets,
  }
}

function checkFaults(faults: unknown, key: string): InboxFault[] {
  if (faults === undefined) return []
  if (!Array.isArray(faults))
    throw new ConfigError(
      key,
      `is ${JSON.stringify(faults)}`,
      'Give a list of faults, e.g. [{ greylist: { retryAfter: 5000 } }].',
    )
  faults.forEach((fault, i) => {
    try {
      resolveFault(fault, 'inbox', `${key}[${i}]`)
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error
      throw new ConfigError(
        error.parameter,
        `is ${JSON.stringify(error.value)}`,
        error.detail.replace(/^Invalid [^:]+: .*?\. /, ''),
      )
    }
  })
  return faults as InboxFault[]
}

function typeOf(section: unknown): string {
  const type = (section as { type?: unknown } | null)?.type
  return typeof type === 'string' ? type : ''
}

function resolveSection(
  section: InboxConfig | TransportConfig,
  path: string,
  kind: 'inbox' | 'transport',
  definition: RegisteredInboxType | RegisteredTransportType | undefined,
  vars: NodeJS.ProcessEnv,
  secrets: Secret[],
  directory: string,
): Record<string, unknown> {
  if (!section || typeof section !== 'object' || !definition) {
    const failed = pluginFailures(directory)
    const where = failed.length
      ? `These installed plugins could not be loaded, and one of them may provide it: ${failed.join('; ')}.`
      : `Other types come from the package that provides them: install it (docs/plugins.md lists Mailwright's own).${projectManifests(directory).length ? '' : ` No package.json was found in ${directory} or above it, so only @mailwright/* and mailwright-* packages were looked for.`}`
    throw new ConfigError(
      `${path}.type`,
      `is ${JSON.stringify((section as { type?: unknown } | undefined)?.type)}`,
      `Use one of: ${registeredTypes(kind).join(', ')}. ${where}`,
    )
  }
  const type = definition.type
  for (const key of definition.required ?? []) {
    if ((section as Record<string, unknown>)[key] === undefined) {
      throw new ConfigError(
        `${path}.${key}`,
        `is required for ${kind} type "${type}"`,
        'Add it to mailwright.config.ts (secrets with env("NAME")).',
      )
    }
  }
  const keys = definition.keys
  if (keys) {
    for (const key of Object.keys(section)) {
      if (key !== 'type' && !keys.includes(key))
        throw new ConfigError(
          `${path}.${key}`,
          `is not a key of ${kind} type "${type}"`,
          `It takes: ${keys.join(', ') || 'nothing besides type'}. Check the spelling.`,
        )
    }
  }
  const secret = (key: string) => SECRET_KEYS.has(key) || (definition.secrets ?? []).includes(key)
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(section)) {
    if (isEnvReference(value)) {
      const read = vars[value.name]
      if (read === undefined || read === '') {
        throw new ConfigError(
          `${path}.${key}`,
          `reads the environment variable ${value.name}, which is not set`,
          `Set ${value.name} (a CI secret, or your shell), never in the file.`,
        )
      }
      if (secret(key)) {
        const secret = new Secret(value.name, read)
        secrets.push(secret)
        out[key] = secret
      } else out[key] = read
    } else if (secret(key) && typeof value === 'string') {
      throw new ConfigError(
        `${path}.${key}`,
        'is written in the file',
        `Secrets come only from the environment: write ${key}: env('${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}').`,
      )
    } else out[key] = value
  }
  definition.check?.(out as { type: string }, path)
  return out
}

function checkProfile(profile: ProfileConfig, path: string): void {
  if (!profile || typeof profile !== 'object' || isIP(profile.senderIp ?? '') === 0) {
    throw new ConfigError(
      `${path}.senderIp`,
      `is ${JSON.stringify(profile?.senderIp)}`,
      'Give the production egress IP the SPF check should assume, e.g. 203.0.113.10.',
    )
  }
}

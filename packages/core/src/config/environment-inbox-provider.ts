import type { InboxProvider } from '../connect-inbox-server.js'
import { ConfigError } from './config-error.js'
import type { RegisteredInboxType, RunInbox, RunInboxPorts } from './define-plugin.js'
import { findInboxType } from './register-plugin.js'
import type { ResolvedEnvironment } from './resolve-environment.js'
import { sendingProfileOf } from './sending-profile-of.js'

/**
 * A test worker's inboxes for an environment, from the plugin that provides its inbox type: the run's
 * capture inbox (`run`, what {@link startRunInbox} described), one started for this worker, an inbox server
 * over HTTP, a container, or a real mailbox. `close()` on the provider releases whatever it started.
 *
 * @example
 * const provider = await environmentInboxProvider(environment, { run: process.env.MAILWRIGHT_INBOX_URL })
 */
export async function environmentInboxProvider(
  environment: ResolvedEnvironment,
  options: { run?: string } = {},
): Promise<InboxProvider> {
  const { definition, key } = await inboxTypeOf(environment)
  return definition.connect(environment.inbox, {
    environment,
    key,
    profile: sendingProfileOf(environment),
    run: options.run || undefined,
  })
}

/**
 * Starts the environment's inbox once for a whole run, when its type can be shared (a capture server, a
 * container); undefined for types each worker reaches by itself (a real mailbox, a server over HTTP).
 * Both runners' global setups call this and hand `description` to their workers.
 *
 * @example
 * const run = await startRunInbox(await resolveEnvironment(await loadConfig()))
 * if (run) process.env.SMTP_PORT = String(run.smtp.port)
 */
export async function startRunInbox(
  environment: ResolvedEnvironment,
  options: { ports?: RunInboxPorts } = {},
): Promise<RunInbox | undefined> {
  const { definition, key } = await inboxTypeOf(environment)
  return definition.startRun?.(environment.inbox, {
    environment,
    key,
    profile: sendingProfileOf(environment),
    ports: options.ports,
  })
}

async function inboxTypeOf(
  environment: ResolvedEnvironment,
): Promise<{ definition: RegisteredInboxType; key: string }> {
  const key = `environments.${environment.name}.inbox`
  const definition = await findInboxType(environment.inbox.type)
  if (!definition)
    throw new ConfigError(
      `${key}.type`,
      `is "${environment.inbox.type}", which no plugin provides in this process`,
      'Install the package that provides it.',
    )
  return { definition, key }
}

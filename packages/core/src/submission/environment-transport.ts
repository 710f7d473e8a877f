import { ConfigError } from '../config/config-error.js'
import { findTransportType } from '../config/register-plugin.js'
import type { ResolvedEnvironment } from '../config/resolve-environment.js'
import { guardedTransport } from './guarded-transport.js'
import type { MailTransport } from './mail-transport.js'

/**
 * The transport an environment names, made by the plugin that provides its type: the capture inbox in the
 * sandbox; anything else (Office 365 SMTP AUTH, a connector relay, Graph sendMail, …) guarded by the
 * environment's recipient allowlist, so a real customer is never mailed.
 *
 * @example
 * const transport = await environmentTransport(await resolveEnvironment(await loadConfig()), { sandboxSmtp: provider.smtp })
 */
export async function environmentTransport(
  environment: ResolvedEnvironment,
  options: { sandboxSmtp?: { host: string; port: number } } = {},
): Promise<MailTransport> {
  const key = `environments.${environment.name}.transport`
  const definition = await findTransportType(environment.transport.type)
  if (!definition)
    throw new ConfigError(
      `${key}.type`,
      `is "${environment.transport.type}", which no plugin provides`,
      'Install the package that provides it.',
    )
  const inner = await definition.create(environment.transport, {
    environment,
    key,
    sandboxSmtp: options.sandboxSmtp,
  })
  if (environment.sandbox) return inner
  return guardedTransport(inner, {
    environment: environment.name,
    allowRecipients: environment.allowRecipients,
    secrets: environment.secrets,
  })
}

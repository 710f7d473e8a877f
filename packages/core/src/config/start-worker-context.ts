import type { InboxProvider } from '../connect-inbox-server.js'
import { checkContextOf, useCheckContext } from '../run-content-check.js'
import { environmentTransport } from '../submission/environment-transport.js'
import type { MailTransport } from '../submission/mail-transport.js'
import { trackBounces } from '../submission/track-bounces.js'
import { ConfigError } from './config-error.js'
import type { MailwrightConfig } from './define-config.js'
import { environmentInboxProvider } from './environment-inbox-provider.js'
import { loadConfig } from './load-config.js'
import { type ResolvedEnvironment, resolveEnvironment } from './resolve-environment.js'

/** Options of {@link startWorkerContext}. */
export interface WorkerContextOptions {
  /** The environment's name (a Playwright project's `mailEnv`, Vitest's `mailwrightEnv`); else MAILWRIGHT_ENV, the config's default, `sandbox`. */
  environment?: string
  /** What the run's global setup started ({@link RunInbox} descriptions), by environment name. */
  runs?: Record<string, string>
  /** The run's capture inbox server (its URL), for an environment whose inbox is `local`. */
  localRun?: string
  /** Default: mailwright.config.ts of `directory`. */
  config?: MailwrightConfig
  /** The project: where its config and installed plugins are found. Default: the working directory. */
  directory?: string
  /** Where `env()` values are read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv
}

/** What a test worker of either runner holds for the whole worker: one environment, its inboxes, its transport. */
export interface WorkerContext extends AsyncDisposable {
  readonly environment: ResolvedEnvironment
  readonly inboxProvider: InboxProvider
  /**
   * A transport that sends the way the environment does (the sandbox: into the capture inbox); each send's
   * result knows where its bounces arrive, for `toBounce`.
   */
  mailTransport(): Promise<MailTransport>
  close(): Promise<void>
}

/**
 * Resolves a worker's environment once and connects its inboxes, as both runner adapters' worker fixtures
 * do: the run's inbox when the global setup started one, else whatever the environment's inbox type
 * starts or connects for this worker.
 *
 * @example
 * await using worker = await startWorkerContext({ environment: 'staging' })
 * const inbox = await worker.inboxProvider.createInbox('alice')
 */
export async function startWorkerContext(options: WorkerContextOptions = {}): Promise<WorkerContext> {
  const environment = await resolveEnvironment(options.config ?? (await loadConfig(options.directory)), {
    name: options.environment || undefined,
    directory: options.directory,
    env: options.env,
  })
  // Matchers' content checks follow the worker's environment (its spam filter, clients, allowed hosts).
  useCheckContext(checkContextOf(environment))
  const run =
    options.runs?.[environment.name] ?? (environment.inbox.type === 'local' ? options.localRun : undefined)
  const inboxProvider = withEnvironmentFaults(
    await environmentInboxProvider(environment, { run }),
    environment,
  )
  const close = async () => {
    await inboxProvider.close?.()
  }
  return {
    environment,
    inboxProvider,
    mailTransport: async () =>
      trackBounces(
        await environmentTransport(environment, { sandboxSmtp: inboxProvider.smtp }),
        inboxProvider,
      ),
    close,
    [Symbol.asyncDispose]: close,
  }
}

// The environment's faults, given to each inbox as it is made, so each counts its own `times`.
function withEnvironmentFaults(provider: InboxProvider, environment: ResolvedEnvironment): InboxProvider {
  if (environment.faults.length === 0) return provider
  const createInbox = provider.createInbox.bind(provider)
  // The provider itself, its other members untouched (some are getters or hold private state).
  provider.createInbox = async (name) => {
    const inbox = await createInbox(name)
    if (!inbox.canSimulate) {
      await inbox.dispose()
      throw new ConfigError(
        `environments.${environment.name}.faults`,
        `is set, but this environment's inbox (${provider.description ?? environment.inbox.type}) runs no SMTP server Mailwright controls`,
        'Give faults only to environments whose inbox is the capture inbox (type local or http).',
      )
    }
    for (const fault of environment.faults) await inbox.simulate(fault)
    return inbox
  }
  return provider
}

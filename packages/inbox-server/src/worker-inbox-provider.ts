import {
  connectInboxServer,
  environmentInboxProvider,
  type InboxProvider,
  type ResolvedEnvironment,
  sendingProfileOf,
} from '@mailwright/core'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

/**
 * A test worker's inboxes for an environment, as both runners' fixtures get them: the run's inbox server
 * when there is one, else one started in this worker (with the environment's sending profile); the run's
 * capture container (`runContainer`, from the global setup), else one started in this worker; or the real
 * mailbox the environment names. `close()` releases the connection and any server started here.
 *
 * @example
 * const { provider, close } = await workerInboxProvider(resolveEnvironment(await loadConfig()), process.env.MAILWRIGHT_INBOX_URL)
 */
export async function workerInboxProvider(
  environment: ResolvedEnvironment,
  runServerUrl: string | undefined,
  runContainer?: string,
): Promise<{ provider: InboxProvider; close(): Promise<void> }> {
  let server: StartedInboxServer | undefined
  const provider = await environmentInboxProvider(environment, {
    local: async () => {
      if (runServerUrl) return connectInboxServer(runServerUrl)
      // The environment's sending profile turns authentication verdicts on.
      server = await startInboxServer({ httpPort: false, sendingProfile: sendingProfileOf(environment) })
      return server.provider()
    },
    runContainer,
  })
  return {
    provider,
    close: async () => {
      await provider.close?.()
      await server?.stop()
    },
  }
}

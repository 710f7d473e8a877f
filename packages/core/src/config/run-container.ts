import { loadTestcontainers } from './load-testcontainers.js'
import type { ResolvedEnvironment } from './resolve-environment.js'
import { sendingProfileOf } from './sending-profile-of.js'

/** The capture container a runner's global setup started for the whole run. */
export interface RunContainer {
  /** For test workers: pass to the inbox fixtures (`MAILWRIGHT_CONTAINER`, or Vitest's `provide`). */
  description: string
  smtp: { host: string; port: number }
  apiUrl: string
  stop(): Promise<void>
}

/**
 * Starts the environment's capture container (`inbox: { type: 'container', server, image? }`) once for a
 * run; other environments start nothing (`undefined`). Both runners' global setups call this.
 *
 * @example
 * const container = await startRunContainer(resolveEnvironment(await loadConfig()))
 * if (container) process.env.MAILWRIGHT_CONTAINER = container.description
 */
export async function startRunContainer(environment: ResolvedEnvironment): Promise<RunContainer | undefined> {
  const inbox = environment.inbox as {
    type: string
    server?: string
    image?: string
    ports?: { smtp?: number; api?: number }
  }
  if (inbox.type !== 'container' || !inbox.server) return undefined
  const testcontainers = await loadTestcontainers(`environments.${environment.name}.inbox`)
  const started = await testcontainers.startCaptureContainer(inbox.server, {
    image: inbox.image,
    profile: sendingProfileOf(environment),
    ports: inbox.ports,
  })
  return {
    description: JSON.stringify(testcontainers.describeCaptureServer(inbox.server, started)),
    smtp: started.getSmtp(),
    apiUrl: started.getApiUrl(),
    stop: async () => {
      await started.stop()
    },
  }
}

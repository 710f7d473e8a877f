import type { SendingProfile } from '../auth/compute-email-auth.js'
import type { InboxProvider } from '../connect-inbox-server.js'
import { loadOptionalPackage } from './load-optional-package.js'

/** A started capture container as core sees it. */
export interface StartedCapture {
  inboxProvider(): Promise<InboxProvider>
  getSmtp(): { host: string; port: number }
  getApiUrl(): string
  stop(): Promise<unknown>
}

/** What core uses from the optional @mailwright/testcontainers package. */
export interface TestcontainersModule {
  startCaptureContainer(
    server: string,
    options: { image?: string; profile?: SendingProfile; ports?: { smtp?: number; api?: number } },
  ): Promise<StartedCapture>
  describeCaptureServer(server: string, started: StartedCapture): unknown
  connectCaptureServer(info: unknown, options: { profile?: SendingProfile }): Promise<InboxProvider>
}

/** Loads @mailwright/testcontainers from the project, only when an environment's inbox is a container. */
export function loadTestcontainers(key: string): Promise<TestcontainersModule> {
  return loadOptionalPackage<TestcontainersModule>('@mailwright/testcontainers', `mailwright.config: ${key}`)
}

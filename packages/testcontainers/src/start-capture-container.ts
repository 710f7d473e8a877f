import { type InboxProvider, InvalidArgumentError, type SendingProfile } from '@mailwright/core'
import type { StartedCaptureContainer } from './capture-container.js'
import { CAPTURE_SERVERS, type CaptureServerName } from './capture-servers.js'
import { containerLog } from './container-log.js'
import { MailDevContainer } from './maildev-container.js'
import { connectMailDev } from './maildev-inbox.js'
import { MailpitContainer } from './mailpit-container.js'
import { connectMailpit } from './mailpit-inbox.js'

/**
 * A started capture container, as a plain value a runner's global setup hands to its test workers
 * (`JSON.stringify` it), which connect with {@link connectCaptureServer}.
 */
export interface CaptureServer {
  server: CaptureServerName
  apiUrl: string
  smtp: { host: string; port: number }
  containerId: string
}

/**
 * Starts the named capture server (an environment's `inbox: { type: 'container', server, image? }`).
 *
 * @example
 * const started = await startCaptureContainer('maildev', { image: 'mailwright/maildev:3.0.0' })
 * const info = describeCaptureServer('maildev', started)
 */
export async function startCaptureContainer(
  server: string,
  options: {
    image?: string
    profile?: SendingProfile
    domain?: string
    ports?: { smtp?: number; api?: number }
  } = {},
): Promise<StartedCaptureContainer> {
  const container = containerFor(server, options.image)
  if (options.ports) container.withPorts(options.ports)
  if (options.domain) container.withInboxDomain(options.domain)
  if (options.profile) container.withSendingProfile(options.profile)
  return container.start()
}

/** The plain description of a started capture container, for test workers. */
export function describeCaptureServer(server: string, started: StartedCaptureContainer): CaptureServer {
  return {
    server: checkServer(server),
    apiUrl: started.getApiUrl(),
    smtp: started.getSmtp(),
    containerId: started.getId(),
  }
}

/**
 * Inboxes on a capture container another process started (the runner's global setup). Its log is read
 * through the Docker engine by container id, for failing tests.
 *
 * @example
 * const provider = await connectCaptureServer(JSON.parse(runDescription), { profile })
 */
export function connectCaptureServer(
  info: CaptureServer,
  options: { profile?: SendingProfile; domain?: string } = {},
): Promise<InboxProvider> {
  const connect = checkServer(info.server) === 'mailpit' ? connectMailpit : connectMailDev
  return connect(info.apiUrl, { ...options, smtp: info.smtp, logs: () => containerLog(info.containerId) })
}

function containerFor(server: string, image: string | undefined) {
  return checkServer(server) === 'mailpit' ? new MailpitContainer(image) : new MailDevContainer(image)
}

function checkServer(server: string): CaptureServer['server'] {
  if (!(CAPTURE_SERVERS as readonly string[]).includes(server))
    throw new InvalidArgumentError(
      'server',
      server,
      `one of ${CAPTURE_SERVERS.map((s) => `"${s}"`).join(', ')}`,
    )
  return server as CaptureServer['server']
}

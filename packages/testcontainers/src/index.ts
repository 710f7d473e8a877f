export { CONTAINER_LABEL } from './capture-container.js'
export { CAPTURE_SERVERS, type CaptureServerName } from './capture-servers.js'
export type { ContainerInboxOptions } from './feed-inbox-provider.js'
export { MAILDEV_IMAGE, MailDevContainer, StartedMailDevContainer } from './maildev-container.js'
export { connectMailDev } from './maildev-inbox.js'
export { MAILPIT_IMAGE, MailpitContainer, StartedMailpitContainer } from './mailpit-container.js'
export { connectMailpit } from './mailpit-inbox.js'
export type { ContainerInboxConfig } from './plugin.js'
export {
  type CaptureServer,
  connectCaptureServer,
  describeCaptureServer,
  startCaptureContainer,
} from './start-capture-container.js'

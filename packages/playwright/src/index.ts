export type { EmailRendering, InboxProvider } from '@mailwright/core'
export { CHROMIUM_ARGS, type FindChromiumOptions, findChromium } from '@mailwright/core/internal'
export { type InboxServerConfigOptions, inboxServer, smtpEnv } from './inbox-server-config.js'
export {
  expect,
  type MailEvidenceMode,
  type MailwrightFixtures,
  type MailwrightOptions,
  type MailwrightWorkerFixtures,
  type MailwrightWorkerOptions,
  test,
} from './test.js'

export type { InboxProvider } from '@mailwright/core'
export type { MailwrightEmailsArtifact } from './provided-context.js'
export { type MailwrightFixtures, test } from './test.js'

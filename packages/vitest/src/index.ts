export type { MailwrightEmailsArtifact } from './provided-context.js'
export { type InboxProvider, type MailwrightFixtures, test } from './test.js'

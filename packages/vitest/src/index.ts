export { type InboxProvider, type MailwrightFixtures, test } from './test.js'

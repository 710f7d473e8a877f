import type { InboxProvider } from '../connect-inbox-server.js'
import type { MailTransport } from '../submission/mail-transport.js'
import { loadOptionalPackage } from './load-optional-package.js'

/** What core uses from the optional @mailwright/office365 package. */
export interface Office365Module {
  office365SmtpTransport(options: unknown): MailTransport
  graphSendMailTransport(options: unknown): MailTransport
  office365RelayTransport(options: unknown): MailTransport
  connectGraphInbox(options: unknown): Promise<InboxProvider>
  connectImapInbox(options: unknown): Promise<InboxProvider>
}

/** Loads @mailwright/office365 from the project, only when an environment uses Office 365. */
export function loadOffice365(key: string): Promise<Office365Module> {
  return loadOptionalPackage<Office365Module>('@mailwright/office365', `mailwright.config: ${key}`)
}

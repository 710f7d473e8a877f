import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { InboxProvider } from '../connect-inbox-server.js'
import type { MailTransport } from '../submission/mail-transport.js'
import { ConfigError } from './config-error.js'

/** What core uses from the optional @mailwright/office365 package. */
export interface Office365Module {
  office365SmtpTransport(options: unknown): MailTransport
  graphSendMailTransport(options: unknown): MailTransport
  office365RelayTransport(options: unknown): MailTransport
  connectGraphInbox(options: unknown): Promise<InboxProvider>
  connectImapInbox(options: unknown): Promise<InboxProvider>
}

/**
 * Loads @mailwright/office365 from the project (its node_modules, where the user installed it), only when an
 * environment uses Office 365: sandbox-only users never install msal.
 */
export async function loadOffice365(key: string): Promise<Office365Module> {
  try {
    const resolved = createRequire(join(process.cwd(), 'package.json')).resolve('@mailwright/office365')
    return (await import(pathToFileURL(resolved).href)) as Office365Module
  } catch {
    throw new ConfigError(
      key,
      'needs the @mailwright/office365 package, which is not installed',
      'Add it: pnpm add -D @mailwright/office365.',
    )
  }
}

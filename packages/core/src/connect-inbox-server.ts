import type { CapturedEmail } from './captured-email.js'
import { connectInbox, httpInbox } from './connect-inbox.js'
import type { Inbox } from './inbox.js'
import { inboxAddress, randomId } from './inbox-address.js'
import { InboxServerError } from './inbox-server-error.js'

/** Something that hands out inboxes and says where to send mail to them. */
export interface InboxProvider {
  /** The HTTP API's base URL, when the server is reached over HTTP. */
  readonly url: string | undefined
  /** Where to send mail so it lands in these inboxes. */
  readonly smtp: { host: string; port: number }
  /** A new inbox with a unique address (`<name>+<id>@<domain>`). */
  createInbox(name?: string): Promise<Inbox>
  /** Releases connections the provider holds (an IMAP session, say). */
  close?(): Promise<void>
  /** The capture server's log so far (a container's), attached to failing tests. */
  logs?(): Promise<string>
  /** What this provider reads, for messages (`Graph mailbox qa@contoso.com`). */
  readonly description?: string
  /**
   * A capture inbox (this project's, Mailpit, MailDev): it accepts every message and judges no spam, so
   * nothing bounces there. A real mailbox (Graph, IMAP) leaves it unset.
   */
  readonly capture?: boolean
  /**
   * Delivery reports (bounces) that arrived in the mailbox since a time, to any address: a real mailbox
   * that sends gets its non-delivery reports. Absent for the capture inbox, which accepts every message.
   */
  deliveryReports?(since: Date): Promise<CapturedEmail[]>
}

/**
 * Connects to a running inbox server (checks it is ready, learns its SMTP address) and hands out inboxes
 * on it, each waiting over HTTP.
 *
 * @example
 * const server = await connectInboxServer('http://127.0.0.1:8025')
 * const inbox = await server.createInbox('alice')
 * await sendMail({ ...server.smtp, to: inbox.address })
 */
export async function connectInboxServer(url: string): Promise<InboxProvider> {
  const base = url.replace(/\/+$/, '')
  let response: Response
  try {
    response = await fetch(`${base}/readyz`)
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    throw new InboxServerError(base, undefined, cause?.code ?? (error as Error).message, { cause: error })
  }
  const body = (await response.json().catch(() => ({}))) as {
    smtp?: { host: string; port: number }
    domain?: string
  }
  if (!response.ok || !body.smtp) throw new InboxServerError(base, response.status, 'GET /readyz: not ready')
  const { smtp, domain } = body
  return {
    url: base,
    smtp,
    capture: true,
    description: `the capture inbox at ${base}`,
    // Addresses are routed by envelope, so an inbox needs no round trip to exist: its address is made here,
    // with the server's domain and 8 random characters (41 bits: with no server to check, a repeat is
    // left to chance, about 1 in 10^5 over 10,000 inboxes of one name). A server too old to say its
    // domain is asked for each address.
    createInbox: async (name) =>
      domain
        ? httpInbox(base, inboxAddress(name ?? 'test', domain, randomId(8)))
        : connectInbox(base, { name }),
  }
}

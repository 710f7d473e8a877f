import type { CapturedEmail } from '../captured-email.js'
import type { InboxProvider } from '../connect-inbox-server.js'
import { headerValue, parseHeaders } from '../parse-headers.js'
import type { MailTransport, SendResult } from './mail-transport.js'

/** Where a sent email's bounces can be looked for, kept on what `send()` returned. */
export interface BounceSource {
  /** Delivery reports in the sender's mailbox since a time, or undefined when the inbox sees no bounces. */
  deliveryReports?(since: Date): Promise<CapturedEmail[]>
  /** When the email was sent. */
  sentAt: Date
  /** The Message-ID the email went out with (read from the bytes of a raw send). */
  messageId?: string
  /** What reads the mailbox, for messages (`the capture inbox at …`, `Graph mailbox qa@contoso.com`). */
  description: string
  /** The environment's inbox is a capture inbox: it accepts every message, so nothing can bounce. */
  capture: boolean
}

const BOUNCES = Symbol.for('mailwright.bounceSource')

/**
 * The transport, with each send's result remembering where its bounces would arrive: the environment's
 * inbox, which in staging reads the mailbox that sends (so non-delivery reports land in it). `toBounce`
 * reads it; the capture inbox accepts every message, so there nothing bounces.
 *
 * @example
 * const transport = trackBounces(environmentTransport(environment), inboxProvider)
 * const sent = await transport.send(email)
 * await expect(sent).not.toBounce({ within: 30_000 })
 */
export function trackBounces(transport: MailTransport, provider: InboxProvider): MailTransport {
  return {
    description: transport.description,
    close: () => transport.close(),
    async send(email) {
      const sentAt = new Date()
      const result = await transport.send(email)
      // A raw message goes out with its own Message-ID, not the one the transport reports.
      const raw = email.raw === undefined ? undefined : Buffer.from(email.raw)
      const rawId = raw
        ? headerValue(parseHeaders(raw.subarray(0, 64 * 1024)).headers, 'message-id')?.trim()
        : undefined
      const messageId = rawId ?? result.messageId
      const source: BounceSource = {
        sentAt,
        ...(messageId ? { messageId } : {}),
        capture: provider.capture === true,
        description:
          provider.description ?? (provider.capture ? 'the capture inbox' : 'the environment inbox'),
        ...(provider.deliveryReports ? { deliveryReports: provider.deliveryReports.bind(provider) } : {}),
      }
      Object.defineProperty(result, BOUNCES, { value: source, enumerable: false })
      return result
    },
  }
}

/** The bounce source a send result carries, when it came from a tracked transport. */
export function bounceSourceOf(result: SendResult): BounceSource | undefined {
  return (result as { [BOUNCES]?: BounceSource })[BOUNCES]
}

import type { CapturedEmail } from '../captured-email.js'
import { type DeliveryReport, parseDeliveryReport } from '../delivery-report.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { MailwrightError } from '../mailwright-error.js'
import type { SendResult } from '../submission/mail-transport.js'
import { bounceSourceOf } from '../submission/track-bounces.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import type { MatcherResult, MatcherState } from './matcher-result.js'

/** Options of {@link toBounce}. */
export interface ToBounceOptions {
  /** How long to look for a bounce (and, with `.not`, how long none must come), in ms. Default 30 s. */
  within?: number
  /** How often the mailbox is looked at, in ms. Default 1 s. */
  pollMs?: number
}

/**
 * Passes when the email `mailTransport.send()` sent bounced: a delivery status notification about its
 * Message-ID, with a recipient that failed, arrived in the sending mailbox (which in staging is the
 * environment's inbox). A `202` or `250` only means queued: use it negated, so a test fails when the mail
 * bounces, with each recipient's status, the server's reply and its explanation, and the report attached
 * as evidence. The capture inbox accepts every message, so there nothing bounces and `.not` passes at once.
 *
 * @example
 * const sent = await mailTransport.send({ from: 'noreply@contoso.com', to: user.email, subject: 'Welcome', text: 'Hi' })
 * await expect(sent).not.toBounce({ within: 60_000 })
 */
export async function toBounce(
  this: MatcherState,
  received: unknown,
  options: ToBounceOptions = {},
): Promise<MatcherResult> {
  const sent = received as SendResult
  const source = typeof received === 'object' && received !== null ? bounceSourceOf(sent) : undefined
  if (!source)
    throw new InvalidArgumentError(
      'expect(sent).toBounce() subject',
      received,
      "what the mailTransport fixture's send() returned: `const sent = await mailTransport.send(…)`",
    )
  const within = options.within ?? 30_000
  const args = Object.keys(options).length ? show(options) : ''
  const id = normalize(source.messageId ?? sent.messageId)
  const base = { subject: 'sent' as const, matcher: 'toBounce', isNot: this.isNot, args }
  const expected = `a bounce of ${sent.messageId ?? 'the email'} within ${within} ms`
  const none = (received: string): MatcherResult => ({
    pass: false,
    name: 'toBounce',
    message: () => formatMatcherMessage({ ...base, expected, received }),
  })
  if (!source.deliveryReports) {
    if (source.capture) return none(`nothing can bounce: ${source.description} accepts every message`)
    // A real mailbox this inbox cannot look for reports in: passing `.not` here would prove nothing.
    throw new MailwrightError(
      'CONFIG',
      `expect(sent).toBounce() cannot tell whether the email bounced: ${source.description} does not read delivery reports. Read the sending mailbox back through Graph (inbox: { type: 'graph' }) to see bounces.`,
    )
  }
  if (!id)
    throw new InvalidArgumentError(
      'expect(sent).toBounce() subject',
      sent,
      'a sent email with a Message-ID (no bounce can be matched to one without)',
    )
  const deadline = Date.now() + within
  const since = new Date(source.sentAt.getTime() - 5_000)
  for (;;) {
    const found = await findBounce(await source.deliveryReports(since), id)
    if (found) {
      const { email, report } = found
      return {
        pass: true,
        name: 'toBounce',
        email,
        actual: report,
        message: () =>
          formatMatcherMessage({
            ...base,
            expected,
            received: describeReport(report),
            email,
          }),
      }
    }
    if (Date.now() >= deadline) break
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now()))),
    )
  }
  return none(`no delivery report about it arrived in ${source.description}`)
}

async function findBounce(
  emails: CapturedEmail[],
  messageId: string,
): Promise<{ email: CapturedEmail; report: DeliveryReport } | undefined> {
  for (const email of emails) {
    const report = parseDeliveryReport(email)
    if (report?.bounced && normalize(report.originalMessageId) === messageId) return { email, report }
  }
  return undefined
}

function normalize(messageId: string | undefined): string {
  return (messageId ?? '').trim().replace(/^<|>$/g, '').toLowerCase()
}

function describeReport(report: DeliveryReport): string {
  return report.recipients
    .filter((r) => r.action === 'failed')
    .map((r) => {
      const why = r.explanation
        ? `\n    ${r.explanation.title}: ${r.explanation.cause}\n    What to do: ${r.explanation.fix}`
        : ''
      return `${r.recipient}: ${r.status} ${r.diagnostic ?? ''}`.trim() + why
    })
    .join('\n  ')
}

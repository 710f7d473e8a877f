import type { CapturedEmail } from './captured-email.js'
import { headerValue, parseHeaders } from './parse-headers.js'
import { explainSmtpReply, type SmtpExplanation } from './submission/explain-smtp-reply.js'

/** What happened to one recipient, as a delivery status notification reports it. */
export interface DeliveryReportRecipient {
  /** The address (Final-Recipient, or Original-Recipient when that is all there is). */
  recipient: string
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded` (RFC 3464 2.3.3). */
  action: string
  /** The enhanced status code, e.g. `5.1.10` (RFC 3463). */
  status: string
  /** What the server that refused it said, e.g. `550 5.1.10 RESOLVER.ADR.RecipientNotFound; …`. */
  diagnostic?: string
  remoteMta?: string
  /** Why, and what to do, when the reply is one Office 365 gives. */
  explanation?: SmtpExplanation
}

/** A bounce (or delay notice) found in a mailbox, and the message it is about. */
export interface DeliveryReport {
  /** `dsn`: an RFC 3464 `message/delivery-status` part; `ndr-text`: only an Exchange-style NDR body. */
  kind: 'dsn' | 'ndr-text'
  /** The Message-ID of the message it reports on (from the returned headers), when it says. */
  originalMessageId?: string
  originalSubject?: string
  reportingMta?: string
  recipients: DeliveryReportRecipient[]
  /** Whether any recipient failed for good. */
  bounced: boolean
}

// Reports are written by mail servers, but anyone can send one: only so much of each is read.
const MAX_STATUS_BYTES = 64 * 1024
const MAX_RECIPIENTS = 100

/**
 * Reads a delivery status notification: the RFC 3464 report (`multipart/report; report-type=delivery-status`
 * with its `message/delivery-status` part, as Exchange Online and most servers send), or, when there is no
 * such part, the text of an Exchange non-delivery report ("Remote server returned '550 5.1.10 …'" and its
 * "Original message headers"). Each recipient's reply is explained when Office 365 gives it. Undefined for
 * an email that is not a report.
 *
 * @example
 * const report = parseDeliveryReport(email)
 * if (report?.bounced && report.originalMessageId === sent.messageId) console.log(report.recipients[0]?.diagnostic)
 */
export function parseDeliveryReport(email: CapturedEmail): DeliveryReport | undefined {
  // MIME parsers read a delivery-status part as body text: the report's own parts are read from the raw bytes.
  const parts = reportParts(email.raw)
  const status = parts.find((p) => /^message\/(global-)?delivery-status$/i.test(p.type))
  const original = originalHeaders(email, parts)
  if (status) {
    const text = status.body.subarray(0, MAX_STATUS_BYTES).toString('utf8')
    // Per-message fields, then one block per recipient, separated by blank lines (RFC 3464 2.1).
    const [perMessage = new Map<string, string>(), ...perRecipient] = text
      .split(/\r?\n\s*\r?\n/)
      .filter((block) => block.trim() !== '')
      .map(fields)
    const recipients = perRecipient.slice(0, MAX_RECIPIENTS).flatMap((f): DeliveryReportRecipient[] => {
      const recipient = addressOf(f.get('final-recipient') ?? f.get('original-recipient'))
      if (!recipient) return []
      const diagnostic = f.get('diagnostic-code')?.replace(/^smtp;\s*/i, '')
      const status = f.get('status') ?? ''
      return [
        {
          recipient,
          action: (f.get('action') ?? '').toLowerCase(),
          status,
          ...(diagnostic ? { diagnostic } : {}),
          ...(f.get('remote-mta')
            ? { remoteMta: (f.get('remote-mta') as string).replace(/^dns;\s*/i, '') }
            : {}),
          ...explained(diagnostic ?? status),
        },
      ]
    })
    return {
      kind: 'dsn',
      ...original,
      ...(perMessage.get('reporting-mta')
        ? { reportingMta: (perMessage.get('reporting-mta') as string).replace(/^dns;\s*/i, '') }
        : {}),
      recipients,
      bounced: recipients.some((r) => r.action === 'failed'),
    }
  }
  // Exchange's human-readable NDR, when the report part is gone (forwarded, or converted by a client).
  const body = (email.text ?? '').slice(0, MAX_STATUS_BYTES)
  const replies = [...body.matchAll(/Remote server returned '([245]\d\d[ -][245]\.\d{1,3}\.\d{1,3}[^']*)'/gi)]
  if (replies.length === 0) return undefined
  const recipients = replies.slice(0, MAX_RECIPIENTS).map((m): DeliveryReportRecipient => {
    const diagnostic = m[1] as string
    // The recipient is named on the line before the "Remote server returned" line.
    const before = body
      .slice(Math.max(0, (m.index ?? 0) - 300), m.index)
      .trim()
      .split(/\r?\n/)
    const recipient = [...before]
      .reverse()
      .map((line) => /[^\s<>()]+@[^\s<>()]+/.exec(line)?.[0])
      .find(Boolean)
    return {
      recipient: recipient ?? '',
      action: diagnostic.startsWith('4') ? 'delayed' : 'failed',
      status: /[245]\.\d{1,3}\.\d{1,3}/.exec(diagnostic)?.[0] ?? '',
      diagnostic,
      ...explained(diagnostic),
    }
  })
  return { kind: 'ndr-text', ...original, recipients, bounced: recipients.some((r) => r.action === 'failed') }
}

function explained(reply: string): { explanation?: SmtpExplanation } {
  const explanation = reply ? explainSmtpReply(reply) : undefined
  return explanation ? { explanation } : {}
}

// A block of `Name: value` lines (folded lines joined), names lower-cased; the first of each kept.
function fields(block: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    if (!map.has(name)) map.set(name, line.slice(colon + 1).trim())
  }
  return map
}

// "rfc822; qa@contoso.com" → "qa@contoso.com"
function addressOf(field: string | undefined): string | undefined {
  const address = field
    ?.replace(/^[\w-]+;\s*/, '')
    .replace(/^<|>$/g, '')
    .trim()
  return address ? address.toLowerCase() : undefined
}

// The returned message's headers: a text/rfc822-headers or message/rfc822 part, else the NDR text's
// "Original message headers:" section.
function originalHeaders(
  email: CapturedEmail,
  parts: ReportPart[],
): { originalMessageId?: string; originalSubject?: string } {
  const part = parts.find((p) => /^(text\/rfc822-headers|message\/(global-)?rfc822)$/i.test(p.type))
  let bytes: Buffer | undefined = part?.body.subarray(0, MAX_STATUS_BYTES)
  if (!bytes) {
    const text = email.text ?? ''
    const at = text.search(/Original message headers:/i)
    if (at >= 0)
      bytes = Buffer.from(
        text
          .slice(at)
          .replace(/^[^\n]*\n\s*/, '')
          .slice(0, MAX_STATUS_BYTES),
      )
  }
  if (!bytes) return {}
  const { headers } = parseHeaders(bytes)
  const messageId = headerValue(headers, 'message-id')?.trim()
  const subject = headerValue(headers, 'subject')
  return {
    ...(messageId ? { originalMessageId: messageId } : {}),
    ...(subject !== undefined ? { originalSubject: subject } : {}),
  }
}

interface ReportPart {
  type: string
  body: Buffer
}

// The direct parts of a multipart/report (RFC 6522): the report and the returned message sit at the top
// level. Only the first megabyte is read; base64 and quoted-printable parts are decoded.
function reportParts(raw: Buffer): ReportPart[] {
  const head = parseHeaders(raw)
  const contentType = headerValue(head.headers, 'content-type') ?? ''
  if (!/^\s*multipart\/report\b/i.test(contentType)) return []
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const delimiter = boundary?.[1] ?? boundary?.[2]
  if (!delimiter) return []
  const body = raw.subarray(head.bodyOffset, head.bodyOffset + 1024 * 1024).toString('latin1')
  const parts: ReportPart[] = []
  for (const chunk of body.split(`--${delimiter}`).slice(1, 20)) {
    if (chunk.startsWith('--')) break
    const bytes = Buffer.from(chunk.replace(/^\r?\n/, ''), 'latin1')
    const part = parseHeaders(bytes)
    const type = (headerValue(part.headers, 'content-type') ?? 'text/plain').split(';')[0]?.trim() ?? ''
    const encoding = (headerValue(part.headers, 'content-transfer-encoding') ?? '').trim().toLowerCase()
    const content = bytes.subarray(part.bodyOffset)
    parts.push({
      type,
      body:
        encoding === 'base64'
          ? Buffer.from(content.toString('latin1'), 'base64')
          : encoding === 'quoted-printable'
            ? Buffer.from(
                content
                  .toString('latin1')
                  .replace(/=\r?\n/g, '')
                  .replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
                    String.fromCharCode(Number.parseInt(hex, 16)),
                  ),
                'latin1',
              )
            : content,
    })
  }
  return parts
}

import type { EmailAuth } from './auth/email-auth.js'
import {
  CapturedEmail,
  type EmailAttachment,
  type EmailEnvelope,
  type EmailHeader,
  type EmailSummary,
} from './captured-email.js'
import { type CodeOptions, extractCodes } from './extract-codes.js'
import { addressesOf, headerValue, parseHeaders } from './parse-headers.js'
import { transcodeUtf7Parts } from './utf7.js'

/** Where an email came from: what the capture knows besides the bytes. */
export interface EmailMeta {
  id: string
  envelope: EmailEnvelope
  receivedAt: Date
  /** Problems the capture already noticed (for example bare line endings it was told to accept). */
  warnings?: readonly string[]
  /** The authentication verdict, when the capture computed one. */
  auth?: EmailAuth
  /** The folder a real mailbox filed it in (`inbox`, `junkemail`), when the inbox knows. */
  folder?: string
  /** Where the email opens in the capture inbox's web UI, when it came from one. */
  viewUrl?: string
}

/** Options of {@link parseEmail}. */
export interface ParseEmailOptions {
  codes?: CodeOptions
}

/**
 * The header-level view of an email: addresses, subject and headers, without parsing the body. Used to
 * route and match queries before (or instead of) a full parse.
 *
 * @example
 * const summary = summarizeEmail(raw, { id: '1', envelope, receivedAt: new Date() })
 * summary.subject
 */
export function summarizeEmail(raw: Buffer, meta: EmailMeta): EmailSummary & { warnings: string[] } {
  const parsed = parseHeaders(raw)
  return {
    ...headerFields(parsed.headers, raw, meta),
    warnings: [...(meta.warnings ?? []), ...parsed.warnings],
  }
}

// Loaded on first use: mailparser and htmlparser2 cost ~110 ms to import, which start-up and header-only
// work never need. Loaded once: import() of a module already loaded still resolves it again (~20 µs each,
// a seventh of a small email's parse).
let bodyModulesLoading:
  | Promise<
      [
        typeof import('mailparser'),
        typeof import('./extract-links.js'),
        typeof import('./html-to-plain-text.js'),
      ]
    >
  | undefined
function bodyModules() {
  bodyModulesLoading ??= Promise.all([
    import('mailparser'),
    import('./extract-links.js'),
    import('./html-to-plain-text.js'),
  ])
  return bodyModulesLoading
}

/**
 * Parses a raw email into a {@link CapturedEmail}: decoded headers, bodies, attachments, links and
 * one-time codes. Malformed MIME never throws: the email keeps its raw bytes and says what was wrong in
 * `warnings`.
 *
 * @example
 * const email = await parseEmail(readFileSync('welcome.eml'), {
 *   id: '1', envelope: { mailFrom: 'a@x.test', rcptTo: ['b@y.test'] }, receivedAt: new Date(),
 * })
 * email.links.map((l) => l.href)
 */
export async function parseEmail(
  raw: Buffer,
  meta: EmailMeta,
  options: ParseEmailOptions = {},
): Promise<CapturedEmail> {
  const headerPart = parseHeaders(raw)
  const warnings = [
    ...(meta.warnings ?? []),
    ...headerPart.warnings,
    ...boundaryWarnings(headerPart.headers, raw),
  ]
  const base = headerFields(headerPart.headers, raw, meta)
  let text: string | undefined
  let html: string | undefined
  let attachments: EmailAttachment[] = []
  let otp: string | undefined
  try {
    const [{ simpleParser }] = await bodyModules()
    const utf7 = transcodeUtf7Parts(raw)
    if (utf7) {
      warnings.push(
        `decoded ${utf7.parts} UTF-7 text part${utf7.parts === 1 ? '' : 's'} (RFC 2152, old Outlook mail); filters often refuse this charset because it can hide markup`,
      )
    }
    const mail = await simpleParser(utf7?.raw ?? raw, {
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      keepCidLinks: true,
    })
    text = mail.text
    html = typeof mail.html === 'string' ? mail.html : undefined
    otp = mail.otp?.code
    if (mail.textConversionError)
      warnings.push(`HTML could not be converted to text: ${mail.textConversionError.message}`)
    attachments = mail.attachments.map((a) => {
      const content = a.content
      return {
        filename: a.filename,
        contentType: a.contentType,
        size: a.size ?? content.length,
        inline: a.contentDisposition === 'inline' || Boolean(a.related),
        cid: a.cid,
        content: () => content,
      }
    })
  } catch (error) {
    warnings.push(`body could not be parsed (${(error as Error).message}); headers and raw bytes are kept`)
  }
  const date = dateOf(headerPart.headers, warnings)
  const [, { extractLinks }, { htmlToPlainText }] = await bodyModules()
  // A code may sit in either body (apps often put it only in the HTML one), so both are searched.
  const codeText = [text, html === undefined ? undefined : htmlToPlainText(html)].filter(Boolean).join('\n')
  const codes = extractCodes(codeText, options.codes)
  if (otp && !codes.includes(otp)) codes.unshift(otp)
  return new CapturedEmail({
    ...base,
    ...identityFields(headerPart.headers),
    date,
    text,
    html,
    attachments,
    links: extractLinks({ html, text }),
    codes,
    raw,
    warnings,
    auth: meta.auth,
    ...(meta.folder !== undefined ? { folder: meta.folder } : {}),
    ...(meta.viewUrl !== undefined ? { viewUrl: meta.viewUrl } : {}),
  })
}

/**
 * An email from its headers alone, when its body cannot be parsed in time: listed, waitable and matchable
 * on everything but the bodies, with `why` among its warnings. Links, codes and attachments are empty.
 *
 * @example
 * const email = headerOnlyEmail(raw, meta, 'body not parsed: over the 10000 ms parse budget')
 */
export function headerOnlyEmail(raw: Buffer, meta: EmailMeta, why: string): CapturedEmail {
  const headerPart = parseHeaders(raw)
  const warnings = [...(meta.warnings ?? []), ...headerPart.warnings, why]
  return new CapturedEmail({
    ...headerFields(headerPart.headers, raw, meta),
    ...identityFields(headerPart.headers),
    date: dateOf(headerPart.headers, warnings),
    attachments: [],
    links: [],
    codes: [],
    raw,
    warnings,
    auth: meta.auth,
    ...(meta.folder !== undefined ? { folder: meta.folder } : {}),
    ...(meta.viewUrl !== undefined ? { viewUrl: meta.viewUrl } : {}),
  })
}

function identityFields(headers: EmailHeader[]) {
  return {
    replyTo: addressesOf(headers, 'reply-to'),
    sender: addressesOf(headers, 'sender')[0],
    messageId: headerValue(headers, 'message-id'),
  }
}

function dateOf(headers: EmailHeader[], warnings: string[]): Date | undefined {
  const dateHeader = headerValue(headers, 'date')
  if (dateHeader === undefined) return undefined
  const date = new Date(dateHeader)
  if (!Number.isNaN(date.getTime())) return date
  warnings.push(`Date header ${JSON.stringify(dateHeader)} is not a valid date`)
  return undefined
}

function headerFields(headers: EmailHeader[], raw: Buffer, meta: EmailMeta): EmailSummary {
  return {
    id: meta.id,
    envelope: meta.envelope,
    headers,
    from: addressesOf(headers, 'from')[0],
    to: addressesOf(headers, 'to'),
    cc: addressesOf(headers, 'cc'),
    bcc: addressesOf(headers, 'bcc'),
    subject: headerValue(headers, 'subject') ?? '',
    receivedAt: meta.receivedAt,
    size: raw.length,
  }
}

function boundaryWarnings(headers: EmailHeader[], raw: Buffer): string[] {
  const contentType = headerValue(headers, 'content-type') ?? ''
  if (!/^\s*multipart\//i.test(contentType)) return []
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (!boundary)
    return [`multipart email without a boundary parameter in Content-Type ${JSON.stringify(contentType)}`]
  const body = raw.toString('latin1')
  if (!body.includes(`--${boundary}`))
    return [`multipart boundary ${JSON.stringify(boundary)} never appears in the body`]
  if (!body.includes(`--${boundary}--`)) {
    return [
      `multipart boundary ${JSON.stringify(boundary)} is never closed (no "--${boundary}--" line); the last part may be incomplete`,
    ]
  }
  return []
}

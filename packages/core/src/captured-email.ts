import type { EmailAuth } from './auth/email-auth.js'

/** A mailbox from an address header: `"Alice" <alice@example.com>` → `{ name: 'Alice', address: 'alice@example.com' }`. */
export interface EmailAddress {
  /** The address, as written (domain case kept). */
  address: string
  /** The display name, decoded; empty when the header gave none. */
  name: string
}

/** What the SMTP session said about an email, independent of its headers. */
export interface EmailEnvelope {
  /** The MAIL FROM address; empty string for the null reverse-path `<>`. */
  mailFrom: string
  /** Every RCPT TO address, in the order given. */
  rcptTo: string[]
  /** The client's IP address as the capture saw it. */
  clientAddress?: string
  /** The name the client gave in HELO/EHLO. */
  heloName?: string
  /** Set when the client used STARTTLS (or implicit TLS). */
  tls?: { protocol: string; cipher: string }
  /** The user name the client authenticated as, when it used AUTH. */
  authenticatedUser?: string
}

/** One header line, unfolded, in the order it appeared. The value is decoded (RFC 2047). */
export interface EmailHeader {
  name: string
  value: string
}

/** A link found in the email: `<a href>` in the HTML part, or a URL in the text part. */
export interface EmailLink {
  href: string
  /** The visible text of the anchor (whitespace collapsed); the URL itself for text links. */
  text: string
  source: 'html' | 'text'
}

/** An attachment or inline part. `content()` hands out the decoded bytes on demand. */
export interface EmailAttachment {
  filename?: string
  contentType: string
  /** Decoded size in bytes. */
  size: number
  /** True for parts shown inside the body (`Content-Disposition: inline` or a cid-referenced image). */
  inline: boolean
  /** The Content-ID without angle brackets, to match `cid:` URLs. */
  cid?: string
  content(): Buffer
}

/** The parts of an email that header parsing alone provides: enough to route and to match most queries. */
export interface EmailSummary {
  readonly id: string
  readonly envelope: EmailEnvelope
  readonly headers: readonly EmailHeader[]
  readonly from?: EmailAddress
  readonly to: readonly EmailAddress[]
  readonly cc: readonly EmailAddress[]
  readonly bcc: readonly EmailAddress[]
  readonly subject: string
  readonly receivedAt: Date
  readonly size: number
}

/** Fields of {@link CapturedEmail}, as passed to its constructor. */
export interface CapturedEmailFields extends EmailSummary {
  readonly replyTo: readonly EmailAddress[]
  readonly sender?: EmailAddress
  readonly date?: Date
  readonly messageId?: string
  readonly text?: string
  readonly html?: string
  readonly attachments: readonly EmailAttachment[]
  readonly links: readonly EmailLink[]
  readonly codes: readonly string[]
  readonly raw: Buffer
  readonly warnings: readonly string[]
  readonly auth?: EmailAuth
  /**
   * The folder a real mailbox put it in (`inbox`, `junkemail`, …), when the inbox reads one that files
   * mail (Graph); undefined for the capture inbox, which files nothing.
   */
  readonly folder?: string
  /**
   * Where the email opens in the capture inbox's web UI (`http://127.0.0.1:8025/#/emails/<id>`), when it
   * came from one; matcher failures print it.
   */
  readonly viewUrl?: string
}

/**
 * An email as a test sees it: envelope, decoded headers, addresses, bodies, attachments, links, one-time
 * codes, and the raw bytes exactly as received. Every inbox back end produces the same shape, so matchers
 * cannot tell where it came from. Built by {@link parseEmail}.
 *
 * @example
 * const email = await inbox.waitForEmail({ subject: /Verify/ })
 * email.from?.address        // 'no-reply@example.com'
 * email.links[0]?.href       // 'https://app.test/verify?token=…'
 * email.codes[0]             // '482913'
 * email.header('list-unsubscribe')
 */
export class CapturedEmail implements CapturedEmailFields {
  readonly id: string
  readonly envelope: EmailEnvelope
  readonly headers: readonly EmailHeader[]
  readonly from?: EmailAddress
  readonly to: readonly EmailAddress[]
  readonly cc: readonly EmailAddress[]
  readonly bcc: readonly EmailAddress[]
  readonly replyTo: readonly EmailAddress[]
  readonly sender?: EmailAddress
  readonly subject: string
  readonly date?: Date
  readonly messageId?: string
  readonly text?: string
  readonly html?: string
  readonly attachments: readonly EmailAttachment[]
  readonly links: readonly EmailLink[]
  readonly codes: readonly string[]
  readonly size: number
  readonly receivedAt: Date
  /** Parse problems that did not stop the email from being captured (malformed MIME, bad encodings, …). */
  readonly warnings: readonly string[]
  /** The message bytes exactly as received (after SMTP dot-unstuffing), headers included. */
  readonly raw: Buffer
  /** SPF, DKIM, DMARC and ARC, when the inbox judges them (a sending profile is configured). */
  readonly auth?: EmailAuth
  /**
   * The folder a real mailbox put it in (`inbox`, `junkemail`, …), when the inbox reads one that files
   * mail (Graph); undefined for the capture inbox, which files nothing.
   */
  readonly folder?: string
  /**
   * Where the email opens in the capture inbox's web UI (`http://127.0.0.1:8025/#/emails/<id>`), when it
   * came from one; matcher failures print it.
   */
  readonly viewUrl?: string

  constructor(fields: CapturedEmailFields) {
    this.id = fields.id
    this.envelope = fields.envelope
    this.headers = fields.headers
    this.from = fields.from
    this.to = fields.to
    this.cc = fields.cc
    this.bcc = fields.bcc
    this.replyTo = fields.replyTo
    this.sender = fields.sender
    this.subject = fields.subject
    this.date = fields.date
    this.messageId = fields.messageId
    this.text = fields.text
    this.html = fields.html
    this.attachments = fields.attachments
    this.links = fields.links
    this.codes = fields.codes
    this.size = fields.size
    this.receivedAt = fields.receivedAt
    this.warnings = fields.warnings
    this.raw = fields.raw
    this.auth = fields.auth
    if (fields.folder !== undefined) this.folder = fields.folder
    if (fields.viewUrl !== undefined) this.viewUrl = fields.viewUrl
  }

  /** The first value of a header (case-insensitive name), decoded. */
  header(name: string): string | undefined {
    const key = name.toLowerCase()
    return this.headers.find((h) => h.name.toLowerCase() === key)?.value
  }

  /** Every value of a header (case-insensitive name), in order. */
  headerValues(name: string): string[] {
    const key = name.toLowerCase()
    return this.headers.filter((h) => h.name.toLowerCase() === key).map((h) => h.value)
  }

  /** A short identity for messages: `"Subject" from a@x to b@y`. */
  describe(): string {
    const from = this.from?.address ?? (this.envelope.mailFrom || '<>')
    const to = (this.to.length > 0 ? this.to.map((a) => a.address) : this.envelope.rcptTo).join(', ')
    return `${JSON.stringify(this.subject)} from ${from} to ${to || '(no recipient)'}`
  }

  /** JSON without the raw bytes and attachment contents (they are fetched on demand). */
  toJSON(): Record<string, unknown> {
    const { raw: _raw, attachments, ...rest } = this
    return {
      ...rest,
      attachments: attachments.map(({ content: _content, ...meta }) => meta),
    }
  }
}

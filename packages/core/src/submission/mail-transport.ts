/** An email to send, in the shape nodemailer takes (the subset Mailwright's transports handle). */
export interface OutgoingEmail {
  from: string
  to?: string | string[]
  cc?: string | string[]
  bcc?: string | string[]
  subject?: string
  text?: string
  html?: string
  headers?: Record<string, string>
  attachments?: Array<{ filename?: string; content: string | Buffer; contentType?: string }>
  /** Overrides the SMTP envelope (MAIL FROM / RCPT TO). */
  envelope?: { from: string; to: string[] }
  /** A complete message sent as is (a DKIM signature in it stays valid); give `envelope` with it. */
  raw?: string | Buffer
}

/** What a transport reports for an accepted email. */
export interface SendResult {
  /** The server's final reply, e.g. `250 2.0.0 OK <id> [Hostname=…]`. */
  response: string
  messageId?: string
  /** Every recipient the send went to (headers and envelope). */
  recipients: string[]
}

/**
 * Sends email for the active environment: the capture inbox in the sandbox, Office 365 in staging. Tests
 * (and in-process code under test) use it through the `mailTransport` fixture.
 *
 * @example
 * await transport.send({ from: 'qa@contoso.com', to: inbox.address, subject: 'Hi', text: 'Hello' })
 */
export interface MailTransport {
  readonly description: string
  send(email: OutgoingEmail): Promise<SendResult>
  close(): Promise<void>
}

/**
 * Whether a value is one plain address (`local@domain`, no spaces or angle brackets): what may go into an
 * SMTP command as is, where a line break or bracket would write a command of its own.
 */
export function isPlainAddress(value: string): boolean {
  return /^[^\s<>@]+@[^\s<>@]+$/.test(value)
}

/** Every recipient of an email: To, Cc, Bcc and the envelope, each once, as written. */
export function recipientsOf(email: OutgoingEmail): string[] {
  const list = (value: string | string[] | undefined) =>
    value === undefined ? [] : Array.isArray(value) ? value : value.split(',')
  const addresses = [...list(email.to), ...list(email.cc), ...list(email.bcc), ...(email.envelope?.to ?? [])]
    .map((a) => /<([^>]+)>/.exec(a)?.[1] ?? a)
    .map((a) => a.trim())
    .filter(Boolean)
  return [...new Map(addresses.map((a) => [a.toLowerCase(), a])).values()]
}

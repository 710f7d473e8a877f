import type { Socket } from 'node:net'
import { MailwrightError } from '../mailwright-error.js'

// RFC 5321 4.5.3.1.5 limits a reply line to 512 octets; a reply this long is a server gone wrong.
const MAX_REPLY = 64 * 1024

/** No complete SMTP reply came: the connection closed, the deadline passed, or the reply was too long. */
export class SmtpReplyError extends MailwrightError {
  /** What arrived and was not a complete reply (the first 200 characters). */
  readonly unread: string

  constructor(what: string, unread: string) {
    const shown = unread.length > 200 ? `${unread.slice(0, 200)}…` : unread
    super('SMTP_REPLY', `${what}; unread: ${JSON.stringify(shown)}`)
    this.unread = shown
  }
}

/**
 * Reads whole SMTP replies (`250-…` lines up to the `250 …` one) from a socket, however the bytes arrive.
 * `attach()` moves it to a new socket (after STARTTLS); text before the upgrade is dropped, as RFC 3207 asks.
 *
 * @example
 * const replies = new SmtpReplyReader(socket)
 * const greeting = await replies.next(5000) // '220 mx.example.com ESMTP'
 */
export class SmtpReplyReader {
  #buffer = ''
  #waiters: Array<() => void> = []
  #closed = false
  readonly #encoding: BufferEncoding

  constructor(socket: Socket, encoding: BufferEncoding = 'utf8') {
    this.#encoding = encoding
    this.attach(socket)
  }

  /** Whether the connection has closed. */
  get closed(): boolean {
    return this.#closed
  }

  attach(socket: Socket): void {
    this.#buffer = ''
    this.#closed = false
    socket.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString(this.#encoding)
      this.#wake()
    })
    socket.on('close', () => {
      this.#closed = true
      this.#wake()
    })
    socket.on('error', () => {})
  }

  /** The next complete reply, without its final line break; rejects on timeout or close, with what was unread. */
  async next(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const match = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.#buffer)
      if (match) {
        this.#buffer = this.#buffer.slice(match[0].length)
        return match[0].trimEnd()
      }
      if (this.#closed) {
        throw new SmtpReplyError('The SMTP connection closed before a complete reply', this.#buffer)
      }
      if (this.#buffer.length > MAX_REPLY) {
        throw new SmtpReplyError(
          `The SMTP server sent over ${MAX_REPLY} characters without completing a reply`,
          this.#buffer,
        )
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new SmtpReplyError(`No SMTP reply within ${timeoutMs} ms`, this.#buffer)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Whatever has arrived and not been read as a reply (and forgets it). */
  drain(): string {
    const rest = this.#buffer
    this.#buffer = ''
    return rest
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake()
  }
}

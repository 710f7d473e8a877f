import type { Socket } from 'node:net'

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
      if (this.#closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer)}`)
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`no reply within ${timeoutMs} ms; unread: ${JSON.stringify(this.#buffer)}`)
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

import { connect, type Socket } from 'node:net'
import { SmtpReplyReader } from '@mailwright/core/internal'

/**
 * A byte-exact SMTP client for robustness tests: it writes exactly what it is given (bare LFs, NULs,
 * split writes) and reads replies, which no mail library lets a test do.
 */
export class RawSmtpClient {
  readonly #socket: Socket
  readonly #replies: SmtpReplyReader
  /** The server's first reply: its greeting, or a refusal. */
  greeting = ''

  private constructor(socket: Socket) {
    this.#socket = socket
    // latin1: the tests write and expect exact bytes, not UTF-8 text.
    this.#replies = new SmtpReplyReader(socket, 'latin1')
  }

  get closed(): boolean {
    return this.#replies.closed
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawSmtpClient> {
    const socket = connect(port, host)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const client = new RawSmtpClient(socket)
    client.greeting = await client.reply()
    return client
  }

  write(data: string | Buffer): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Reads one complete (possibly multi-line) reply: `250-…` lines up to the `250 …` one. */
  reply(timeoutMs = 5000): Promise<string> {
    return this.#replies.next(timeoutMs)
  }

  /** Sends one command line, UTF-8 encoded (for SMTPUTF8), and reads its reply. */
  async command(line: string): Promise<string> {
    this.write(Buffer.from(`${line}\r\n`, 'utf8'))
    return this.reply()
  }

  /** Replies that arrive within `ms`, for proving that nothing more was answered. */
  async drain(ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms))
    return this.#replies.drain()
  }

  destroy(): void {
    this.#socket.destroy()
  }

  async quit(): Promise<void> {
    if (!this.closed) this.write('QUIT\r\n')
    this.#socket.end()
  }
}

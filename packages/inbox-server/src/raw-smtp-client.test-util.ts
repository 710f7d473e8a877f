import { connect, type Socket } from 'node:net'

/**
 * A byte-exact SMTP client for robustness tests: it writes exactly what it is given (bare LFs, NULs,
 * split writes) and reads replies, which no mail library lets a test do.
 */
export class RawSmtpClient {
  readonly #socket: Socket
  #buffer = ''
  #waiters: Array<() => void> = []
  closed = false

  private constructor(socket: Socket) {
    this.#socket = socket
    socket.on('data', (chunk) => {
      this.#buffer += chunk.toString('latin1')
      for (const wake of this.#waiters.splice(0)) wake()
    })
    socket.on('close', () => {
      this.closed = true
      for (const wake of this.#waiters.splice(0)) wake()
    })
    socket.on('error', () => {})
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawSmtpClient> {
    const socket = connect(port, host)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const client = new RawSmtpClient(socket)
    await client.reply()
    return client
  }

  write(data: string | Buffer): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Reads one complete (possibly multi-line) reply: `250-…` lines up to the `250 …` one. */
  async reply(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const match = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.#buffer)
      if (match) {
        this.#buffer = this.#buffer.slice(match[0].length)
        return match[0].trimEnd()
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer)}`)
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`no SMTP reply within ${timeoutMs} ms; unread: ${JSON.stringify(this.#buffer)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Sends one command line, UTF-8 encoded (for SMTPUTF8), and reads its reply. */
  async command(line: string): Promise<string> {
    this.write(Buffer.from(`${line}\r\n`, 'utf8'))
    return this.reply()
  }

  /** Replies that arrive within `ms`, for proving that nothing more was answered. */
  async drain(ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms))
    const rest = this.#buffer
    this.#buffer = ''
    return rest
  }

  destroy(): void {
    this.#socket.destroy()
  }

  async quit(): Promise<void> {
    if (!this.closed) this.write('QUIT\r\n')
    this.#socket.end()
  }
}

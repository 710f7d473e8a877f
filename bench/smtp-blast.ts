// A raw, pipelined SMTP load client: the least work per message a client can do, so the server under test
// is what the numbers measure. MAIL/RCPT/DATA go in one write (RFC 2920), then the message and the dot.
import { connect, type Socket } from 'node:net'

export interface BlastOptions {
  port: number
  connections: number
  perConnection: number
  message: (seq: number) => { to: string; data: Buffer }
  deadlineMs?: number
}

export interface BlastResult {
  acked: number
  failed: number
  ms: number
  perSecond: number
}

/** Builds a message of about `size` bytes (headers + 76-column text body), dot-safe and CRLF-terminated. */
export function makeMessage(to: string, subject: string, size: number): Buffer {
  const head = `From: bench@example.com\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${Math.random().toString(36).slice(2)}@bench.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`
  const line = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tem'.slice(0, 76)}\r\n`
  const lines = Math.max(1, Math.ceil((size - head.length) / line.length))
  return Buffer.from(head + line.repeat(lines))
}

class Conn {
  #buffer = ''
  #waiting: Array<(line: string) => void> = []
  #lines: string[] = []
  readonly socket: Socket
  constructor(socket: Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk) => {
      this.#buffer += chunk.toString('latin1')
      let nl = this.#buffer.indexOf('\n')
      while (nl !== -1) {
        const line = this.#buffer.slice(0, nl)
        this.#buffer = this.#buffer.slice(nl + 1)
        if (/^\d{3} /.test(line)) {
          const wake = this.#waiting.shift()
          if (wake) wake(line)
          else this.#lines.push(line)
        }
        nl = this.#buffer.indexOf('\n')
      }
    })
  }
  reply(): Promise<string> {
    const ready = this.#lines.shift()
    if (ready !== undefined) return Promise.resolve(ready)
    return new Promise((resolve) => this.#waiting.push(resolve))
  }
}

export async function blast(options: BlastOptions): Promise<BlastResult> {
  const deadline = Date.now() + (options.deadlineMs ?? 60_000)
  let acked = 0
  let failed = 0
  const conns = await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const socket = connect(options.port, '127.0.0.1')
      const conn = new Conn(socket)
      await conn.reply()
      socket.write('EHLO bench.test\r\n')
      await conn.reply()
      return conn
    }),
  )
  const started = performance.now()
  await Promise.all(
    conns.map(async (conn, c) => {
      // One round trip per message: the end of one message and the next MAIL/RCPT/DATA share a write.
      const commands = (to: string) => `MAIL FROM:<bench@example.com>\r\nRCPT TO:<${to}>\r\nDATA\r\n`
      const count = options.perConnection
      let next = options.message(c * count)
      conn.socket.write(commands(next.to))
      let opened = (await Promise.all([conn.reply(), conn.reply(), conn.reply()]))[2]?.startsWith('354')
      for (let m = 0; m < count; m++) {
        const current = next
        const last = m === count - 1 || Date.now() >= deadline
        if (!last) next = options.message(c * count + m + 1)
        if (!opened) {
          failed += 1
          break
        }
        conn.socket.write(Buffer.concat([current.data, Buffer.from(`.\r\n${last ? '' : commands(next.to)}`)]))
        if ((await conn.reply()).startsWith('250')) acked += 1
        else failed += 1
        if (last) break
        opened = (await Promise.all([conn.reply(), conn.reply(), conn.reply()]))[2]?.startsWith('354')
      }
    }),
  )
  const ms = performance.now() - started
  for (const conn of conns) conn.socket.end('QUIT\r\n')
  return { acked, failed, ms, perSecond: (acked / ms) * 1000 }
}

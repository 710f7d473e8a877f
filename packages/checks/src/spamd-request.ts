import { connect } from 'node:net'

/** spamd's answer: its status line's code and text, its headers, and its body. */
export interface SpamdResponse {
  /** 0 is EX_OK; others are sysexits codes (64 EX_USAGE, 74 EX_IOERR, 76 EX_PROTOCOL, …). */
  code: number
  /** The status text: `EX_OK`, `PONG`, or what went wrong. */
  status: string
  headers: Record<string, string>
  body: string
}

// A report is a few kilobytes; anything past this is not spamd talking.
const MAX_RESPONSE = 1024 * 1024

/**
 * One request in spamd's protocol (SPAMC/1.5, as spamc speaks it): `PING`, or `REPORT` with the email.
 * Rejects when spamd does not answer in `timeoutMs`, closes early, or says more than 1 MB.
 *
 * @example
 * const { code, headers, body } = await spamdRequest('127.0.0.1:783', 'REPORT', raw, 30_000)
 */
export function spamdRequest(
  address: string,
  command: 'PING' | 'REPORT',
  email: Buffer | undefined,
  timeoutMs: number,
): Promise<SpamdResponse> {
  const [host = '127.0.0.1', port = '783'] = address.split(/:(?=\d+$)/)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const socket = connect({ host, port: Number(port) })
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }))
    })
    socket.on('error', reject)
    socket.on('connect', () => {
      const head = email
        ? `${command} SPAMC/1.5\r\nContent-length: ${email.length}\r\nUser: mailwright\r\n\r\n`
        : `${command} SPAMC/1.5\r\n\r\n`
      socket.write(head)
      if (email) socket.write(email)
      // spamd reads until the length given, then answers and closes.
    })
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_RESPONSE) {
        socket.destroy()
        reject(new Error(`an answer over ${MAX_RESPONSE} bytes`))
        return
      }
      chunks.push(chunk)
    })
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const [head = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...headerLines] = head.split('\r\n')
      const status = /^SPAMD\/\d+\.\d+\s+(\d+)\s+(.*)$/.exec(statusLine)
      if (!status) {
        reject(new Error(`an answer that is not spamd's: ${JSON.stringify(text.slice(0, 120))}`))
        return
      }
      const headers: Record<string, string> = {}
      for (const line of headerLines) {
        const colon = line.indexOf(':')
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve({ code: Number(status[1]), status: status[2] ?? '', headers, body: rest.join('\r\n\r\n') })
    })
  })
}

import { once } from 'node:events'
import { type AddressInfo, createServer } from 'node:net'

/**
 * A plaintext line server on loopback that greets, answers each line it receives with `answer(line)` and
 * keeps every line, so a test sees exactly what a client sent over the wire.
 */
export async function scriptedLineServer(greeting: string, answer: (line: string) => string | undefined) {
  const received: string[] = []
  const server = createServer((socket) => {
    socket.write(`${greeting}\r\n`)
    let buffer = ''
    socket.on('data', (chunk) => {
      buffer += chunk.toString()
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        received.push(line)
        const reply = answer(line)
        if (reply !== undefined) socket.write(`${reply}\r\n`)
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    received,
    [Symbol.asyncDispose]: async () => {
      server.close()
    },
  }
}

/** An SMTP server offering AUTH LOGIN and PLAIN without STARTTLS, answering each line from a script. */
export function scriptedSmtpServer(answers: Record<string, string>) {
  return scriptedLineServer('220 scripted ESMTP', (line) => {
    const verb = line.split(' ')[0]?.toUpperCase() ?? ''
    if (verb === 'EHLO') return '250-scripted\r\n250 AUTH LOGIN PLAIN'
    if (verb === 'QUIT') return '221 bye'
    return answers[line] ?? answers['*'] ?? '500 no'
  })
}

import { once } from 'node:events'
import { type AddressInfo, createServer } from 'node:net'

// A plaintext SMTP server on loopback that offers AUTH LOGIN and answers each line from a script, keeping
// every line the client sent, so a test sees exactly what went over the wire.
export async function scriptedSmtpServer(answers: Record<string, string>) {
  const received: string[] = []
  const server = createServer((socket) => {
    socket.write('220 scripted ESMTP\r\n')
    let buffer = ''
    socket.on('data', (chunk) => {
      buffer += chunk.toString()
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        received.push(line)
        const verb = line.split(' ')[0]?.toUpperCase() ?? ''
        if (verb === 'EHLO') socket.write('250-scripted\r\n250 AUTH LOGIN PLAIN\r\n')
        else if (verb === 'QUIT') socket.end('221 bye\r\n')
        else socket.write(`${answers[line] ?? answers['*'] ?? '500 no'}\r\n`)
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

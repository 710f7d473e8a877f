// The raw limit of this stack: smtp-server that only drains DATA (`drain`), or also runs a full mailparser
// parse of every message before answering (`parse`). Prints one JSON line when listening.
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

const mode = process.argv[2] === 'parse' ? 'parse' : 'drain'
const server = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  logger: false,
  hideSTARTTLS: true,
  size: 50 * 1024 * 1024,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => {
      if (mode === 'parse') chunks.push(c)
    })
    stream.on('end', () => {
      if (mode === 'drain') return callback()
      simpleParser(Buffer.concat(chunks)).then(
        () => callback(),
        (e) => callback(e),
      )
    })
  },
})
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  const address = server.server.address() as { port: number }
  console.log(JSON.stringify({ smtp: address.port }))
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))

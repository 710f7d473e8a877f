// The raw limit of this stack: smtp-server that drains DATA and does nothing else. Prints one JSON line
// when listening.
import { SMTPServer } from 'smtp-server'

const server = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  logger: false,
  hideSTARTTLS: true,
  size: 50 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => {})
    stream.on('end', () => callback())
  },
})
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  const address = server.server.address() as { port: number }
  console.log(JSON.stringify({ smtp: address.port }))
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))

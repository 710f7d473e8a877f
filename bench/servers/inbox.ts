// The Mailwright capture inbox in its own process, as `mailwright serve` runs it. Prints one JSON line when ready.
import { startInboxServer } from '@mailwright/inbox-server'

const started = performance.now()
const server = await startInboxServer({ retention: { maxEmails: 20_000 } })
console.log(
  JSON.stringify({ smtp: server.smtp.port, http: server.url, startMs: performance.now() - started }),
)
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)))

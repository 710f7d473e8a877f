// The hostile side of bench/isolation.ts, in its own process: one loop sends a 3.3 MB email with 100,000
// links and waits on its body (so the server parses it), another asks the server to match a catastrophic
// pattern. Runs until SIGTERM or the deadline given.
import nodemailer from 'nodemailer'

const [url = '', smtp = '0', kind = 'inbox', deadline = '0'] = process.argv.slice(2)
const DEADLINE = Number(deadline)
const smtpPort = Number(smtp)
const bigHtml = Array.from(
  { length: 100_000 },
  (_, i) => `<a href="https://app.test/l/${i}">link ${i}</a>`,
).join('\n')
let running = true
// A stop means now: whatever is in flight is dropped with the process.
process.on('SIGTERM', () => {
  running = false
  process.exit(0)
})
let announced = false
const progress = () => {
  if (announced) return
  announced = true
  console.log('hostile load running')
}
const sender = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true, pool: true })
await Promise.all([
  (async () => {
    while (running && Date.now() < DEADLINE) {
      const sent = new Date().toISOString()
      await sender.sendMail({ from: 'big@example.com', to: 'big@inbox.test', subject: 'Huge', html: bigHtml })
      if (kind === 'inbox') {
        const res = await fetch(`${url}/api/wait`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            address: 'big@inbox.test',
            notBefore: sent,
            timeout: 60_000,
            query: { text: 'link 99999' },
          }),
        }).catch(() => undefined)
        await res?.arrayBuffer()
      }
      progress()
    }
  })(),
  (async () => {
    while (kind === 'inbox' && running && Date.now() < DEADLINE) {
      const res = await fetch(`${url}/api/wait`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          address: 'v@inbox.test',
          timeout: 0,
          query: { subject: { regex: '(a+)+$' } },
        }),
      }).catch(() => undefined)
      await res?.arrayBuffer()
    }
  })(),
])
sender.close()

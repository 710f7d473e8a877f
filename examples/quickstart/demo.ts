// `pnpm demo`: starts the capture inbox, sends a few emails with nodemailer the way an application would,
// waits for them (in process and over the HTTP API) and prints what arrived.
import { connectInbox, EmailTimeoutError } from '@mailwright/core'
import { startInboxServer } from '@mailwright/inbox-server'
import nodemailer from 'nodemailer'

const server = await startInboxServer()
console.log(`Inbox server: SMTP ${server.smtp.host}:${server.smtp.port}, HTTP ${server.url}\n`)

// The "application": any SMTP client pointed at the inbox server.
const app = nodemailer.createTransport({
  host: server.smtp.host,
  port: server.smtp.port,
  pool: true,
  tls: { rejectUnauthorized: false }, // the inbox generates a self-signed certificate for STARTTLS
})

const alice = server.createInbox({ name: 'alice' })
const bob = await connectInbox(server.url as string, { name: 'bob' }) // what a test in another process does

const started = performance.now()
const verification = alice.waitForEmail({ subject: /verify/i })
await app.sendMail({
  from: '"Signup App" <no-reply@example.com>',
  to: alice.address,
  subject: 'Verify your email address',
  text: 'Welcome! Your verification code is 482913.\nOr open https://app.example.com/verify?token=abc123',
  html: '<p>Welcome! Your verification code is <b>482913</b>.</p><p><a href="https://app.example.com/verify?token=abc123">Verify email</a></p>',
})
const email = await verification
console.log(`Alice (${alice.address}) got, ${(performance.now() - started).toFixed(1)} ms after sending:`)
console.log(`  ${email.describe()}`)
console.log(`  envelope: MAIL FROM ${email.envelope.mailFrom}, TLS ${email.envelope.tls?.protocol ?? 'none'}`)
console.log(`  links:    ${email.links.map((l) => `${l.text} → ${l.href}`).join(', ')}`)
console.log(`  codes:    ${email.codes.join(', ')}`)

await app.sendMail({
  from: 'billing@example.com',
  to: bob.address,
  subject: 'Your invoice',
  text: 'Invoice attached.',
  attachments: [{ filename: 'invoice.txt', content: 'Total: 42 EUR\n' }],
})
const invoice = await bob.waitForEmail({ subject: 'invoice' })
console.log(`\nBob (${bob.address}, waiting over HTTP) got:`)
console.log(`  ${invoice.describe()}`)
for (const a of invoice.attachments)
  console.log(`  attachment: ${a.filename} (${a.contentType}, ${a.size} bytes)`)

console.log('\nA wait that cannot succeed explains what arrived instead:')
try {
  await alice.waitForEmail({ subject: /password reset/i }, { timeout: 500 })
} catch (error) {
  if (!(error instanceof EmailTimeoutError)) throw error
  console.log(error.message.replace(/^/gm, '  '))
}

await bob.expectNoEmail({ subject: /verify/i }, { within: 300 })
console.log('\nBob got no verification email within 300 ms, as expected.')

app.close()
await server.stop()
console.log(`\nCaptured ${server.stats().received} emails. Done.`)

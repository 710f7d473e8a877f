import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canRun, describeWith } from '../../core/src/requirement.test-util.js'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

// SMTP clients not written in JavaScript, from Debian's packages: swaks (Perl) and curl (C).
// A laptop without them skips; CI installs them, so there a missing client fails instead of skipping.
const run = promisify(execFile)

let server: StartedInboxServer
beforeAll(async () => {
  server = await startInboxServer({ auth: { users: { app: 's3cret' } }, httpPort: false })
})
afterAll(async () => {
  await server.stop()
})

describeWith({
  available: canRun('swaks', ['--version']),
  missing: 'swaks is not installed',
  install: 'apt-get install swaks libio-socket-ssl-perl',
})('swaks', () => {
  const swaks = (...args: string[]) =>
    run('swaks', [
      '--server',
      '127.0.0.1',
      '--port',
      String(server.smtp.port),
      '--from',
      'swaks@example.com',
      ...args,
    ])

  it('delivers over plain SMTP', async () => {
    const inbox = server.createInbox()
    await swaks('--to', inbox.address, '--header', 'Subject: swaks plain', '--body', 'hello from swaks')
    const email = await inbox.waitForEmail({ subject: 'swaks plain' })
    expect(email.text).toContain('hello from swaks')
    expect(email.envelope.mailFrom).toBe('swaks@example.com')
    expect(email.envelope.tls).toBeUndefined()
  })

  it('delivers over STARTTLS', async () => {
    const inbox = server.createInbox()
    const { stdout } = await swaks('--to', inbox.address, '--tls', '--header', 'Subject: swaks tls')
    expect(stdout).toMatch(/TLS started with cipher/)
    const email = await inbox.waitForEmail({ subject: 'swaks tls' })
    expect(email.envelope.tls?.protocol).toMatch(/^TLSv1\.[23]$/)
  })

  it('authenticates with PLAIN and LOGIN, and is refused with a wrong password', async () => {
    const inbox = server.createInbox()
    for (const method of ['PLAIN', 'LOGIN']) {
      await swaks(
        '--to',
        inbox.address,
        '--tls',
        '--auth',
        method,
        '--auth-user',
        'app',
        '--auth-password',
        's3cret',
      )
    }
    const emails = await inbox.waitForEmails(2)
    expect(emails.map((e) => e.envelope.authenticatedUser)).toEqual(['app', 'app'])
    const refused = await swaks(
      '--to',
      inbox.address,
      '--auth',
      'PLAIN',
      '--auth-user',
      'app',
      '--auth-password',
      'nope',
    ).catch((e: { stdout: string }) => e)
    expect((refused as { stdout: string }).stdout).toMatch(/535 5\.7\.8 Authentication failed for "app"/)
  })
})

describeWith({
  available: canRun('curl'),
  missing: 'curl is not installed',
  install: 'apt-get install curl',
})('curl', () => {
  it('uploads an .eml over STARTTLS and the capture keeps its bytes exactly', async () => {
    const inbox = server.createInbox()
    const file = fileURLToPath(new URL('../../../test/fixtures/multipart-complete.eml', import.meta.url))
    await run('curl', [
      '--silent',
      '--show-error',
      '--ssl-reqd',
      '--insecure',
      '--user',
      'app:s3cret',
      `smtp://127.0.0.1:${server.smtp.port}`,
      '--mail-from',
      'curl@example.com',
      '--mail-rcpt',
      inbox.address,
      '--upload-file',
      file,
    ])
    const email = await inbox.waitForEmail()
    expect(email.raw.equals(readFileSync(file))).toBe(true)
    expect(email.envelope.authenticatedUser).toBe('app')
    expect(email.attachments.map((a) => a.filename)).toEqual(['logo.png', 'report.csv'])
  })
})

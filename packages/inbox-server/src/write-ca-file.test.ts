import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { startInboxServer } from './start-inbox-server.js'
import { writeCaFile } from './write-ca-file.js'

describe('writeCaFile', () => {
  it('lets a Node process trust two inboxes at once, each with its own generated certificate', async () => {
    await using first = await startInboxServer({ httpPort: false })
    await using second = await startInboxServer({ httpPort: false })
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-ca-'))
    const firstFile = writeCaFile(first.smtp.ca ?? '', join(dir, 'first.pem'), '')
    // As a run inside another (a global setup's file already in NODE_EXTRA_CA_CERTS): both certificates kept.
    const both = writeCaFile(second.smtp.ca ?? '', join(dir, 'both.pem'), firstFile)
    expect(readFileSync(both, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(2)
    const inboxes = [first.createInbox({ name: 'one' }), second.createInbox({ name: 'two' })]
    const app = `import nodemailer from 'nodemailer'
for (const [port, to] of ${JSON.stringify([
      [first.smtp.port, inboxes[0]?.address],
      [second.smtp.port, inboxes[1]?.address],
    ])}) {
  await nodemailer.createTransport({ host: '127.0.0.1', port }).sendMail({ from: 'a@example.com', to, subject: 'trusted', text: 'x' })
}`
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', app], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, NODE_EXTRA_CA_CERTS: both },
    })
    for (const inbox of inboxes) expect((await inbox.waitForEmail()).envelope.tls).toBeDefined()
  })
})

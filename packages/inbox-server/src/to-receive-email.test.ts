import { emailMatchers, type MatcherResult } from '@mailwright/core'
import { sandboxTransport, trackBounces } from '@mailwright/core/internal'
import nodemailer from 'nodemailer'
import type { Transporter } from 'nodemailer/lib/mailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

let server: StartedInboxServer
let transport: Transporter
beforeAll(async () => {
  server = await startInboxServer({ httpPort: false })
  transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtp.port,
    pool: true,
    ignoreTLS: true,
  })
})
afterAll(async () => {
  transport.close()
  await server.stop()
})

const toReceiveEmail = (isNot: boolean, ...args: unknown[]) =>
  (
    emailMatchers.toReceiveEmail as (this: { isNot: boolean }, ...a: unknown[]) => Promise<MatcherResult>
  ).call({ isNot }, ...args)

describe('toReceiveEmail', () => {
  it('passes as soon as a matching email arrives, and hands the email over', async () => {
    const inbox = server.createInbox()
    const pending = toReceiveEmail(false, inbox, { subject: 'Hi' }, { timeout: 5000 })
    await transport.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'Hi there', text: 'x' })
    const result = await pending
    expect(result.pass).toBe(true)
    expect(result.email?.subject).toBe('Hi there')
  })

  it('fails at the timeout with the near misses in the message', async () => {
    const inbox = server.createInbox()
    await transport.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'Welcome', text: 'x' })
    const result = await toReceiveEmail(false, inbox, { subject: /Verify/ }, { timeout: 100 })
    expect(result.pass).toBe(false)
    const lines = result.message().split('\n')
    expect(lines.slice(0, 6)).toEqual([
      'expect(inbox).toReceiveEmail({ subject: /Verify/ }, { timeout: 100 }) failed',
      '',
      `Expected: an email matching { subject: /Verify/ } at ${inbox.address} within 100 ms`,
      'Received: no matching email',
      '',
      'Arrived for this inbox but did not match:',
    ])
    expect(lines[6]).toMatch(
      new RegExp(
        `^  - "Welcome" from a@example\\.com to ${inbox.address.replace(/[+.]/g, '\\$&')} at .*: subject "Welcome" does not match /Verify/$`,
      ),
    )
    expect(result.message()).toContain('subject "Welcome" does not match /Verify/')
  })

  it('.not holds only after the whole window, and fails as soon as a matching email arrives', async () => {
    const inbox = server.createInbox()
    const started = Date.now()
    const quiet = await toReceiveEmail(true, inbox, {}, { within: 200 })
    expect(quiet.pass).toBe(false)
    expect(Date.now() - started).toBeGreaterThanOrEqual(195)

    const pending = toReceiveEmail(true, inbox, { subject: 'Reset' }, { within: 5000 })
    await transport.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'Reset it', text: 'x' })
    const loud = await pending
    expect(loud.pass).toBe(true)
    expect(loud.message()).toMatch(
      /^expect\(inbox\)\.not\.toReceiveEmail\(\{ subject: "Reset" \}, \{ within: 5000 \}\) failed/,
    )
    expect(loud.message()).toContain('Received: "Reset it" from a@example.com')
  })

  it('names a forgotten await and a wrong subject', async () => {
    await expect(toReceiveEmail(false, Promise.resolve({}))).rejects.toThrow(/Did you forget `await`\?/)
    await expect(toReceiveEmail(false, 'alice@inbox.test')).rejects.toThrow(
      /needs an inbox .* but received string "alice@inbox\.test"/,
    )
  })
})

describe('toBounce in the sandbox', () => {
  it('says nothing can bounce in the capture inbox, so `.not.toBounce()` holds at once', async () => {
    const sent = await trackBounces(sandboxTransport(server.smtp), server.provider()).send({
      from: 'app@example.test',
      to: 'someone@inbox.test',
      subject: 'Welcome',
      text: 'Hi',
    })
    // A minute's window: were it sat out, the test's own timeout would fail it first.
    const result = await (
      emailMatchers.toBounce as (this: { isNot: boolean }, ...a: unknown[]) => Promise<MatcherResult>
    ).call({ isNot: true }, sent, { within: 60_000 })
    expect(result.pass).toBe(false)
    expect(result.message()).toMatch(/nothing can bounce: the capture inbox.* accepts every message/)
  })
})

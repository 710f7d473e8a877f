import {
  EmailTimeoutError,
  InboxDisposedError,
  InvalidArgumentError,
  UnexpectedEmailError,
} from '@mailwright/core'
import nodemailer from 'nodemailer'
import type { SendMailOptions, Transporter } from 'nodemailer/lib/mailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

let server: StartedInboxServer
let transport: Transporter

beforeAll(async () => {
  server = await startInboxServer()
  transport = nodemailer.createTransport({
    host: server.smtp.host,
    port: server.smtp.port,
    pool: true,
    tls: { rejectUnauthorized: false },
  })
})
afterAll(async () => {
  transport.close()
  await server.stop()
})

const send = (to: string, subject: string, extra: Partial<SendMailOptions> = {}) =>
  transport.sendMail({
    from: '"The App" <no-reply@example.com>',
    to,
    subject,
    text: `Body of ${subject}`,
    ...extra,
  })

describe('startInboxServer', () => {
  it('listens on 127.0.0.1 with free ports and a reachable HTTP API', async () => {
    expect(server.smtp.host).toBe('127.0.0.1')
    expect(server.smtp.port).toBeGreaterThan(0)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${server.url}/readyz`)
    expect(await res.json()).toEqual({
      status: 'ready',
      domain: 'inbox.test',
      server: 'mailwright',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      smtp: { host: '127.0.0.1', port: server.smtp.port },
    })
  })

  it('hands out unique addresses on the configured domain', () => {
    const addresses = new Set(Array.from({ length: 500 }, () => server.createAddress('alice')))
    expect(addresses.size).toBe(500)
    for (const a of addresses) expect(a).toMatch(/^alice\+[0-9a-z]{6}@inbox\.test$/)
    expect(() => server.createAddress('bad name')).toThrow(InvalidArgumentError)
  })

  it('captures over STARTTLS with the envelope, TLS details and parsed content', async () => {
    const inbox = server.createInbox({ name: 'tls' })
    const info = await send(inbox.address, 'Verify your email', {
      cc: 'copy@example.org',
      html: '<p>Your code is <b>482913</b>. <a href="https://app.test/verify?t=1">Verify email</a></p>',
      attachments: [
        { filename: 'terms.pdf', content: Buffer.alloc(2048, 7), contentType: 'application/pdf' },
      ],
    })
    expect(info.response).toMatch(/^250 2\.0\.0 Captured as /)
    const email = await inbox.waitForEmail({ subject: /verify/i })
    expect(email.envelope.mailFrom).toBe('no-reply@example.com')
    expect(email.envelope.rcptTo).toEqual([inbox.address, 'copy@example.org'])
    expect(email.envelope.tls?.protocol).toMatch(/^TLSv1\.[23]$/)
    expect(email.envelope.clientAddress).toBe('127.0.0.1')
    expect(email.from).toEqual({ address: 'no-reply@example.com', name: 'The App' })
    expect(email.cc).toEqual([{ address: 'copy@example.org', name: '' }])
    expect(email.links).toEqual([
      { href: 'https://app.test/verify?t=1', text: 'Verify email', source: 'html' },
    ])
    expect(email.codes).toEqual(['482913'])
    expect(email.attachments).toHaveLength(1)
    expect(email.attachments[0]).toMatchObject({
      filename: 'terms.pdf',
      contentType: 'application/pdf',
      size: 2048,
    })
    expect(email.attachments[0]?.content().equals(Buffer.alloc(2048, 7))).toBe(true)
    expect(email.raw.toString()).toContain('Subject: Verify your email')
    expect(email.size).toBe(email.raw.length)
  })

  it('records the authenticated user and refuses wrong credentials when users are configured', async () => {
    await using strict = await startInboxServer({ auth: { users: { app: 's3cret' } }, httpPort: false })
    const inbox = strict.createInbox()
    const ok = nodemailer.createTransport({
      host: '127.0.0.1',
      port: strict.smtp.port,
      auth: { user: 'app', pass: 's3cret' },
      tls: { rejectUnauthorized: false },
    })
    await ok.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'authed', text: 'x' })
    expect((await inbox.waitForEmail()).envelope.authenticatedUser).toBe('app')
    const bad = nodemailer.createTransport({
      host: '127.0.0.1',
      port: strict.smtp.port,
      auth: { user: 'app', pass: 'wrong' },
      tls: { rejectUnauthorized: false },
    })
    await expect(
      bad.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'x', text: 'x' }),
    ).rejects.toThrow(/535/)
  })

  it('accepts XOAUTH2 with the configured token and records the user', async () => {
    await using strict = await startInboxServer({
      auth: { users: { 'bot@contoso.test': 'token-123' } },
      httpPort: false,
    })
    const inbox = strict.createInbox()
    const oauth = (accessToken: string) =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: strict.smtp.port,
        auth: { type: 'OAuth2', user: 'bot@contoso.test', accessToken },
        tls: { rejectUnauthorized: false },
      })
    await oauth('token-123').sendMail({
      from: 'bot@contoso.test',
      to: inbox.address,
      subject: 'oauth',
      text: 'x',
    })
    expect((await inbox.waitForEmail()).envelope.authenticatedUser).toBe('bot@contoso.test')
    await expect(
      oauth('stolen').sendMail({ from: 'bot@contoso.test', to: inbox.address, subject: 'x', text: 'x' }),
    ).rejects.toThrow(
      /535 5\.7\.8 Authentication failed for "bot@contoso\.test": unknown user or wrong token/,
    )
  })

  it('requires AUTH when told to', async () => {
    await using strict = await startInboxServer({ auth: { required: true }, httpPort: false })
    const anonymous = nodemailer.createTransport({
      host: '127.0.0.1',
      port: strict.smtp.port,
      tls: { rejectUnauthorized: false },
    })
    await expect(
      anonymous.sendMail({ from: 'a@example.com', to: strict.createAddress(), subject: 'x', text: 'x' }),
    ).rejects.toThrow(/530/)
    expect(strict.stats().received).toBe(0)
  })

  it('waits for an email that arrives later, and returns one that is already there', async () => {
    const inbox = server.createInbox()
    const pending = inbox.waitForEmail({ subject: 'later' })
    await send(inbox.address, 'sent later')
    expect((await pending).subject).toBe('sent later')
    await send(inbox.address, 'already here')
    await new Promise((r) => setTimeout(r, 50))
    expect((await inbox.waitForEmail({ subject: 'already' })).subject).toBe('already here')
  })

  it('hands each email to one wait only, in arrival order', async () => {
    const inbox = server.createInbox()
    for (const n of [1, 2, 3]) await send(inbox.address, `n${n}`)
    expect((await inbox.waitForEmail()).subject).toBe('n1')
    const next = await inbox.waitForEmails(2)
    expect(next.map((e) => e.subject)).toEqual(['n2', 'n3'])
    expect((await inbox.emails()).map((e) => e.subject)).toEqual(['n1', 'n2', 'n3'])
    expect((await inbox.emails({ subject: 'n2' })).map((e) => e.subject)).toEqual(['n2'])
  })

  it('matches on body text and headers, parsing the body only for such queries', async () => {
    const inbox = server.createInbox()
    await send(inbox.address, 'plain', { text: 'hello body', headers: { 'X-Campaign': 'spring-2026' } })
    const email = await inbox.waitForEmail({ text: /hello body/, header: { 'x-campaign': /^spring/ } })
    expect(email.header('X-Campaign')).toBe('spring-2026')
  })

  it('times out with near misses for this inbox and for other addresses', async () => {
    const inbox = server.createInbox()
    const other = server.createInbox()
    await send(inbox.address, 'Welcome aboard')
    await send(other.address, 'Verify your account')
    const error = await inbox.waitForEmail({ subject: /Verify/ }, { timeout: 200 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EmailTimeoutError)
    const timeout = error as EmailTimeoutError
    expect(timeout.timeoutMs).toBe(200)
    expect(timeout.nearMisses.map((m) => [m.kind, m.subject])).toEqual([
      ['this-inbox', 'Welcome aboard'],
      ['other-address', 'Verify your account'],
    ])
    expect(timeout.message).toContain(`arrived at ${inbox.address} within 200 ms`)
    expect(timeout.message).toContain('subject "Welcome aboard" does not match /Verify/')
    expect(timeout.message).toContain(`to ${other.address}`)
  })

  it('says so when an earlier wait already returned the only matching email', async () => {
    const inbox = server.createInbox()
    await send(inbox.address, 'Only once')
    await inbox.waitForEmail({ subject: 'Only' })
    const error = (await inbox
      .waitForEmail({ subject: 'Only' }, { timeout: 100 })
      .catch((e) => e)) as EmailTimeoutError
    expect(error.nearMisses.map((m) => m.kind)).toEqual(['already-returned'])
  })

  it('waitForEmails reports how many of the expected arrived', async () => {
    const inbox = server.createInbox()
    await send(inbox.address, 'one of three')
    const error = (await inbox.waitForEmails(3, {}, { timeout: 150 }).catch((e) => e)) as EmailTimeoutError
    expect(error).toBeInstanceOf(EmailTimeoutError)
    expect([error.expected, error.received]).toEqual([3, 1])
    expect(error.detail).toMatch(/^Only 1 of 3 emails matching \{\}/)
  })

  it('expectNoEmail holds for the whole window and fails as soon as a matching email arrives', async () => {
    const inbox = server.createInbox()
    const started = Date.now()
    await inbox.expectNoEmail({}, { within: 300 })
    // It must not pass early just because the inbox is empty when it starts.
    expect(Date.now() - started).toBeGreaterThanOrEqual(295)

    const check = inbox.expectNoEmail({ subject: 'Reset' }, { within: 5000 })
    await send(inbox.address, 'Reset your password')
    const error = await check.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedEmailError)
    expect(Date.now() - started).toBeLessThan(5000)
    expect((error as Error).message).toContain('"Reset your password" from no-reply@example.com')
  })

  it('expectNoEmail ignores emails an earlier wait returned', async () => {
    const inbox = server.createInbox()
    await send(inbox.address, 'Verify')
    await inbox.waitForEmail({ subject: 'Verify' })
    await expect(inbox.expectNoEmail({ subject: 'Verify' }, { within: 100 })).resolves.toBeUndefined()
  })

  it('dispose() rejects pending waits and later calls', async () => {
    const inbox = server.createInbox()
    const pending = inbox.waitForEmail({}, { timeout: 10_000 })
    await inbox.dispose()
    await expect(pending).rejects.toBeInstanceOf(InboxDisposedError)
    await expect(inbox.waitForEmail()).rejects.toBeInstanceOf(InboxDisposedError)
  })

  it('rejects bad arguments with the parameter named', async () => {
    const inbox = server.createInbox()
    await expect(inbox.waitForEmail({ subjct: 'x' } as never)).rejects.toThrow(/Invalid query\.subjct/)
    await expect(inbox.waitForEmail({}, { timeout: -5 })).rejects.toThrow(/Invalid timeout: -5/)
    await expect(inbox.waitForEmails(0)).rejects.toThrow(/Invalid count: 0/)
    await expect(startInboxServer({ smtpPort: 70000 })).rejects.toThrow(/Invalid smtpPort: 70000/)
  })

  it('reports a busy port with what to do', async () => {
    await expect(startInboxServer({ smtpPort: server.smtp.port })).rejects.toThrow(/already in use/)
  })
})

import type { ChildProcess } from 'node:child_process'
import { defineConfig, env, type MailwrightError, resolveEnvironment, Secret } from '@mailwright/core'
import { environmentInboxProvider } from '@mailwright/core/internal'
import { ImapFlow } from 'imapflow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWith } from '../../core/src/requirement.test-util.js'
import { dovecot, PASSWORD, startDovecot, stopDovecot } from './dovecot.test-util.js'
import { connectImapInbox, type ImapInboxProvider } from './imap-inbox.js'
import { scriptedLineServer } from './scripted-line-server.test-util.js'

describeWith(dovecot)('IMAP inbox against Dovecot', () => {
  let dovecot: { port: number; process: ChildProcess }
  let provider: ImapInboxProvider
  let deliverer: ImapFlow
  beforeAll(async () => {
    dovecot = await startDovecot()
    provider = await connectImapInbox({
      host: '127.0.0.1',
      port: dovecot.port,
      user: 'qa@contoso.test',
      password: new Secret('P', PASSWORD),
      // The test Dovecot listens on loopback without TLS.
      allowPlaintextAuth: true,
    })
    deliverer = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      auth: { user: 'qa@contoso.test', pass: PASSWORD },
      logger: false,
    })
    await deliverer.connect()
  })
  afterAll(async () => {
    await deliverer?.logout().catch(() => {})
    await provider?.close()
    await stopDovecot(dovecot)
  })

  const deliver = (to: string, subject: string) =>
    deliverer.append(
      'INBOX',
      `From: app@example.com\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${Date.now()}@example.com>\r\n\r\nYour code is 246810.\r\n`,
    )

  it('is told of new mail while idling, and hands each test only its own', async () => {
    const mine = await provider.createInbox('imap')
    const other = await provider.createInbox('other')
    const pending = mine.waitForEmail({ subject: 'Verify' }, { timeout: 10_000 })
    await deliver(other.address, 'Verify (not yours)')
    await deliver(mine.address, 'Verify your account')
    const email = await pending
    expect(email.subject).toBe('Verify your account')
    expect(email.codes).toEqual(['246810'])
    expect((await other.emails()).map((e) => e.subject)).toEqual(['Verify (not yours)'])
  })

  it('times out with the near misses it saw', async () => {
    const inbox = await provider.createInbox('miss')
    await deliver(inbox.address, 'Welcome')
    const error = await inbox.waitForEmail({ subject: /Reset/ }, { timeout: 500 }).catch((e) => e)
    expect(error.message).toContain('subject "Welcome" does not match /Reset/')
  })

  it('says what failed when the login is refused', async () => {
    await expect(
      connectImapInbox({
        host: '127.0.0.1',
        port: dovecot.port,
        user: 'qa@contoso.test',
        password: new Secret('P', 'wrong'),
        allowPlaintextAuth: true,
      }),
    ).rejects.toThrow(/Could not open INBOX of qa@contoso\.test at 127\.0\.0\.1/)
  })

  it('serves an environment whose inbox is imap', async () => {
    const environment = await resolveEnvironment(
      defineConfig({
        environments: {
          mailbox: {
            inbox: {
              type: 'imap',
              host: '127.0.0.1',
              port: dovecot.port,
              user: 'qa@contoso.test',
              password: env('IMAP_PASSWORD'),
              allowPlaintextAuth: true,
            },
          },
        },
      }),
      { name: 'mailbox', env: { IMAP_PASSWORD: PASSWORD } },
    )
    const fromConfig = await environmentInboxProvider(environment)
    try {
      const inbox = await fromConfig.createInbox('cfg')
      await deliver(inbox.address, 'Configured')
      expect((await inbox.waitForEmail({}, { timeout: 10_000 })).subject).toBe('Configured')
    } finally {
      await fromConfig.close?.()
    }
  })
})

// A plaintext IMAP server on loopback that offers no STARTTLS and records every line the client sends.
describe('IMAP inbox without TLS', () => {
  it('refuses to log in over a connection that STARTTLS cannot protect, sending no credential', async () => {
    // An IMAP server that offers no STARTTLS, keeping every line the client sends.
    await using server = await scriptedLineServer(
      '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] plaintext only',
      (line) => {
        const tag = line.split(' ')[0]
        return / CAPABILITY$/i.test(line)
          ? `* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done`
          : `${tag} OK done`
      },
    )
    const error = await connectImapInbox({
      host: '127.0.0.1',
      port: server.port,
      user: 'qa@contoso.test',
      password: new Secret('P', PASSWORD),
    }).catch((e: Error) => e)
    expect((error as MailwrightError).detail).toMatch(
      /^Did not log in to 127\.0\.0\.1:\d+ as qa@contoso\.test: the server offers no STARTTLS, so the password would travel in clear text, and nothing was sent\./,
    )
    expect(server.received.filter((line) => /LOGIN|AUTHENTICATE/i.test(line))).toEqual([])
    expect(server.received.join('\n')).not.toContain(PASSWORD)
  })
})

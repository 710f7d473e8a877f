// The Inbox contract as tests every inbox back end must pass: the embedded server, the HTTP client, the
// Graph and IMAP inboxes (Office 365 emulator, Dovecot), the Mailpit and MailDev adapters and a plugin
// package run this same suite (each from its own package's tests), so "the same Inbox" is checked, not
// assumed. What a back end cannot do it declares (routesBy), and the suite checks what it does instead. Errors are told apart by name: back ends throw core's classes from its build, not from src.
import nodemailer from 'nodemailer'
import type { SendMailOptions, Transporter } from 'nodemailer/lib/mailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SendingProfile } from './auth/compute-email-auth.js'
import type { InboxProvider } from './connect-inbox-server.js'
import type { EmailTimeoutError } from './email-timeout-error.js'
import { emailMatchers } from './matchers/email-matchers.js'
import type { MatcherResult } from './matchers/matcher-result.js'
import { describeWith, type Requirement } from './requirement.test-util.js'
import { generateDkimKey } from './testing/generate-dkim-key.js'
import { zoneResolver } from './testing/index.js'

/** What a back end under test provides: inboxes, judged with the given sending profile. */
export interface ContractSubject {
  provider: InboxProvider
  /** How mail reaches it, when not by SMTP to `provider.smtp` (a transport of its own, IMAP APPEND). */
  send?(message: SendMailOptions): Promise<void>
  stop(): Promise<void>
  /**
   * What the back end routes an email to an inbox by. `envelope` (the default): the SMTP envelope, so a Bcc
   * recipient gets it. `headers`: a real mailbox read back (Graph, IMAP) keeps no envelope, only the
   * recipients the headers name; the contract then checks its declared behaviour instead: mail for an
   * address named in no header is not handed to that inbox, and a wait names it as mail for another address.
   */
  routesBy?: 'envelope' | 'headers'
}

/** The DKIM key and DNS the contract's signed emails use; subjects pass `CONTRACT_PROFILE` on. */
export const CONTRACT_KEY = generateDkimKey()
export const CONTRACT_RECORDS = {
  'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
  's1._domainkey.example.com': { TXT: [CONTRACT_KEY.record] },
  '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
}
export const CONTRACT_PROFILE: SendingProfile = {
  ip: '203.0.113.10',
  helo: 'mail.example.com',
  dns: zoneResolver(CONTRACT_RECORDS),
}
/** The same profile as an environment declares it in mailwright.config.ts (`profile`). */
export const CONTRACT_PROFILE_CONFIG = {
  senderIp: '203.0.113.10',
  helo: 'mail.example.com',
  dns: { records: CONTRACT_RECORDS },
}

const run = (name: 'toHavePassedDmarc' | 'toHavePassedDkim', email: unknown, ...args: unknown[]) =>
  (emailMatchers[name] as (this: { isNot: boolean }, ...a: unknown[]) => MatcherResult).call(
    { isNot: false },
    email,
    ...args,
  )

/**
 * Registers the Inbox contract tests for one back end. `start` is called once for the file; the subject
 * must judge verdicts with {@link CONTRACT_PROFILE}.
 */
export function inboxContract(
  name: string,
  start: () => Promise<ContractSubject>,
  options: { requires?: Requirement } = {},
) {
  const suite = options.requires ? describeWith(options.requires) : describe
  suite(`Inbox contract: ${name}`, () => {
    let subject: ContractSubject
    let send: (message: SendMailOptions) => Promise<void>
    let transport: Transporter | undefined
    beforeAll(async () => {
      subject = await start()
      const own = subject.send?.bind(subject)
      if (!own)
        transport = nodemailer.createTransport({
          ...subject.provider.smtp,
          secure: false,
          ignoreTLS: true,
          pool: true,
          maxConnections: 2,
        })
      send = async (message) => {
        const email = { from: 'App <no-reply@example.com>', text: 'Hello', ...message }
        await (own ? own(email) : transport?.sendMail(email))
      }
    }, 90_000)
    afterAll(async () => {
      // Pooled connections left open would hold a server's close() until its idle timeout.
      transport?.close()
      await subject?.stop()
    }, 60_000)

    it('resolves a wait started before the email is sent, with the email as sent', async () => {
      const inbox = await subject.provider.createInbox('contract')
      const waiting = inbox.waitForEmail({ subject: /Welcome/ }, { timeout: 10_000 })
      await send({
        to: inbox.address,
        subject: 'Welcome aboard',
        html: '<p>Confirm at <a href="https://app.example.com/verify?t=abc123">this link</a>. Code 482913.</p>',
        attachments: [{ filename: 'terms.txt', content: 'Terms v2' }],
        messageId: '<contract-1@example.com>',
      })
      const email = await waiting
      expect(email.subject).toBe('Welcome aboard')
      expect(email.from?.address).toBe('no-reply@example.com')
      expect(email.to.map((a) => a.address)).toEqual([inbox.address])
      expect(email.messageId).toBe('<contract-1@example.com>')
      expect(email.links.map((l) => l.href)).toContain('https://app.example.com/verify?t=abc123')
      expect(email.attachments.map((a) => a.filename)).toEqual(['terms.txt'])
      expect((await email.attachments[0]?.content())?.toString()).toBe('Terms v2')
      expect(email.raw.toString('latin1')).toContain('Message-ID: <contract-1@example.com>')
      await inbox.dispose()
    })

    it('returns an email that arrived before the wait', async () => {
      const inbox = await subject.provider.createInbox('early')
      await send({ to: inbox.address, subject: 'Already here' })
      // Let the server announce it before anyone waits.
      await expect.poll(async () => (await inbox.emails()).length, { timeout: 10_000 }).toBe(1)
      const email = await inbox.waitForEmail({ subject: 'Already here' }, { timeout: 5_000 })
      expect(email.subject).toBe('Already here')
      await inbox.dispose()
    })

    it('keeps inboxes apart on the one shared mailbox, and names mail that went elsewhere', async () => {
      const alice = await subject.provider.createInbox('alice')
      const bob = await subject.provider.createInbox('bob')
      expect(alice.address).not.toBe(bob.address)
      await send({ to: alice.address, subject: 'For Alice only' })
      await alice.waitForEmail({ subject: 'For Alice only' }, { timeout: 10_000 })
      const error = await bob.waitForEmail({ subject: 'For Alice only' }, { timeout: 500 }).catch((e) => e)
      expect(error).toHaveProperty('name', 'EmailTimeoutError')
      expect((error as EmailTimeoutError).nearMisses.map((m) => [m.kind, m.subject])).toEqual([
        ['other-address', 'For Alice only'],
      ])
      expect(await bob.emails()).toEqual([])
      await Promise.all([alice.dispose(), bob.dispose()])
    })

    it('delivers to an envelope recipient named in no header (Bcc), or says it routes by headers', async () => {
      const inbox = await subject.provider.createInbox('bcc')
      await send({
        to: 'someone-else@example.org',
        bcc: inbox.address,
        subject: 'Blind copy',
      })
      if ((subject.routesBy ?? 'envelope') === 'envelope') {
        const email = await inbox.waitForEmail({ subject: 'Blind copy' }, { timeout: 10_000 })
        expect(email.envelope.rcptTo).toContain(inbox.address)
      } else {
        // Declared: the mailbox has it, but no header names this inbox, so it is another address's mail.
        const error = await inbox.waitForEmail({ subject: 'Blind copy' }, { timeout: 3_000 }).catch((e) => e)
        expect(error).toHaveProperty('name', 'EmailTimeoutError')
        expect(
          (error as EmailTimeoutError).nearMisses
            .filter((m) => m.subject === 'Blind copy')
            .map((m) => m.kind),
        ).toEqual(['other-address'])
        expect(await inbox.emails()).toEqual([])
      }
      await inbox.dispose()
    })

    it('simulates a fault where it runs the SMTP server, and says it cannot elsewhere', async () => {
      const inbox = await subject.provider.createInbox('faults')
      if (!inbox.canSimulate) {
        // A real mailbox or a container: a clear refusal, never a fault silently not applied.
        await expect(inbox.simulate({ reply: '451 4.7.1 Later' })).rejects.toHaveProperty(
          'name',
          'FaultsUnsupportedError',
        )
        await expect(inbox.attempts()).rejects.toHaveProperty('code', 'FAULTS_UNSUPPORTED')
        return
      }
      await inbox.simulate({ reply: '451 4.7.1 Later', times: 1 })
      await expect(send({ to: inbox.address, subject: 'Refused' })).rejects.toMatchObject({
        responseCode: 451,
        response: '451 4.7.1 Later',
      })
      await send({ to: inbox.address, subject: 'Accepted' })
      await inbox.waitForEmail({ subject: 'Accepted' }, { timeout: 10_000 })
      expect((await inbox.attempts()).map((a) => a.outcome)).toEqual(['refused', 'delivered'])
      await inbox.dispose()
    })

    it('hands each email to one wait only, and counts with waitForEmails', async () => {
      const inbox = await subject.provider.createInbox('count')
      const three = inbox.waitForEmails(3, { subject: /^Batch/ }, { timeout: 10_000 })
      for (const n of [1, 2, 3]) await send({ to: inbox.address, subject: `Batch ${n}` })
      const emails = await three
      expect(emails.map((e) => e.subject).sort()).toEqual(['Batch 1', 'Batch 2', 'Batch 3'])
      const error = await inbox.waitForEmail({ subject: /^Batch/ }, { timeout: 300 }).catch((e) => e)
      expect(error).toHaveProperty('name', 'EmailTimeoutError')
      expect(
        (error as EmailTimeoutError).nearMisses.filter((m) => m.kind === 'already-returned'),
      ).toHaveLength(3)
      await inbox.dispose()
    })

    it('times out with what arrived for this inbox but did not match', async () => {
      const inbox = await subject.provider.createInbox('miss')
      await send({ to: inbox.address, subject: 'Your receipt' })
      const error = await inbox.waitForEmail({ subject: /Reset/ }, { timeout: 1_500 }).catch((e) => e)
      expect(error).toHaveProperty('name', 'EmailTimeoutError')
      const [miss] = (error as EmailTimeoutError).nearMisses
      expect(miss?.kind).toBe('this-inbox')
      expect(miss?.subject).toBe('Your receipt')
      await inbox.dispose()
    })

    it('expectNoEmail holds for its window, and fails on an email that arrives within it', async () => {
      const inbox = await subject.provider.createInbox('none')
      await inbox.expectNoEmail({ subject: /Alert/ }, { within: 300 })
      const holding = inbox.expectNoEmail({ subject: /Alert/ }, { within: 5_000 })
      await send({ to: inbox.address, subject: 'Alert: login' })
      await expect(holding).rejects.toHaveProperty('name', 'UnexpectedEmailError')
      await inbox.dispose()
    })

    it('dispose() ends a pending wait', async () => {
      const inbox = await subject.provider.createInbox('dispose')
      const waiting = inbox.waitForEmail({}, { timeout: 10_000 }).catch((e) => e)
      await inbox.dispose()
      expect(String(await waiting)).toMatch(/disposed/i)
    })

    it('judges SPF, DKIM and DMARC from the raw message with the sending profile', async () => {
      const inbox = await subject.provider.createInbox('dmarc')
      await send({
        from: 'no-reply@example.com',
        to: inbox.address,
        subject: 'Signed',
        text: 'Hello',
        dkim: { domainName: 'example.com', keySelector: 's1', privateKey: CONTRACT_KEY.privateKey },
      })
      const email = await inbox.waitForEmail({ subject: 'Signed' }, { timeout: 10_000 })
      expect(email.auth?.spf?.result).toBe('pass')
      expect(run('toHavePassedDkim', email, { domain: 'example.com', selector: 's1' }).pass).toBe(true)
      const dmarc = run('toHavePassedDmarc', email, { policy: 'reject' })
      expect(dmarc.pass, dmarc.message()).toBe(true)
      await inbox.dispose()
    })
  })
}

import { emailMatchers, type MatcherResult, Secret } from '@mailwright/core'
import { trackBounces } from '@mailwright/core/internal'
import { generateDkimKey, signEmail, zoneResolver } from '@mailwright/core/testing'
import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { connectGraphInbox } from './graph-inbox.js'
import { office365SmtpTransport } from './office365-smtp-transport.js'

const key = generateDkimKey()
const app = {
  clientSecret: 'graph-secret',
  roles: ['SMTP.SendAsApp', 'Mail.Read', 'Mail.Send'],
  servicePrincipal: true,
}

async function setup(stamp: boolean, limits: Partial<ReturnType<typeof tenantModel>> = {}) {
  const exo = await startOffice365Emulator({
    tenant: tenantModel({
      domain: 'contoso.test',
      smtpAuthDisabled: false,
      mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
      apps: { app1: app },
      ...limits,
    }),
    stamp: stamp
      ? {
          ip: '203.0.113.10',
          dns: zoneResolver({
            'contoso.test': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
            's1._domainkey.contoso.test': { TXT: [key.record] },
            '_dmarc.contoso.test': { TXT: ['v=DMARC1; p=reject'] },
          }),
        }
      : undefined,
  })
  const credentials = {
    tenantId: exo.tenant.tenantId,
    clientId: 'app1',
    clientSecret: new Secret('S', 'graph-secret'),
    loginUrl: exo.loginUrl,
  }
  const provider = await connectGraphInbox({
    mailbox: 'qa@contoso.test',
    credentials,
    graphUrl: exo.graphUrl,
    pollMs: 50,
  })
  const transport = office365SmtpTransport({
    user: 'qa@contoso.test',
    auth: 'oauth2',
    credentials,
    host: exo.smtp.host,
    port: exo.smtp.port,
    ca: exo.smtp.ca,
    servername: 'smtp.office365.com',
  })
  return { exo, provider, transport }
}

const dmarc = (email: unknown) =>
  (emailMatchers.toHavePassedDmarc as (this: { isNot: boolean }, e: unknown) => MatcherResult).call(
    { isNot: false },
    email,
  )

describe('Graph inbox (against the emulator)', () => {
  it('reads each test its own mail through Graph, with the verdict Exchange stamped', async () => {
    const { exo, provider, transport } = await setup(true)
    try {
      const mine = await provider.createInbox('signup')
      const other = await provider.createInbox('other')
      expect(mine.address).toMatch(/^qa\+signup-[0-9a-z]{6}@contoso\.test$/)
      const pending = mine.waitForEmail({ subject: /Verify/ }, { timeout: 10_000 })
      const signed = await signEmail(
        `From: qa@contoso.test\r\nTo: ${mine.address}\r\nSubject: Verify your email\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <g1@contoso.test>\r\n\r\nCode 123456\r\n`,
        {
          domain: 'contoso.test',
          selector: 's1',
          privateKey: key.privateKey,
        },
      )
      await transport.send({
        from: 'qa@contoso.test',
        to: other.address,
        subject: 'Not for signup',
        text: 'x',
      })
      await transport.send({
        from: 'qa@contoso.test',
        to: mine.address,
        envelope: { from: 'qa@contoso.test', to: [mine.address] },
        raw: signed,
      })
      const email = await pending
      expect(email.subject).toBe('Verify your email')
      expect(email.codes).toEqual(['123456'])
      expect(email.auth?.source).toBe('stamped by Exchange Online (trusted Authentication-Results)')
      expect(email.auth?.dkim[0]).toMatchObject({ result: 'pass', domain: 'contoso.test' })
      expect(dmarc(email).pass).toBe(true)
      // The mailbox sent both itself: Exchange keeps copies in its Sent Items, which are not received mail.
      expect(exo.mailboxes.list('qa@contoso.test', 'sentitems')).toHaveLength(2)
      expect((await other.emails()).map((e) => e.subject)).toEqual(['Not for signup'])
    } finally {
      await exo.stop()
    }
  })

  it('reads Junk Email too, and says where Exchange filed each email', async () => {
    const { exo, provider, transport } = await setup(false, { junkRules: [{ subjectContains: 'prize' }] })
    try {
      const inbox = await provider.createInbox('junk')
      await transport.send({
        from: 'qa@contoso.test',
        to: inbox.address,
        subject: 'You won a prize',
        text: 'x',
      })
      await transport.send({ from: 'qa@contoso.test', to: inbox.address, subject: 'Your receipt', text: 'x' })
      const spam = await inbox.waitForEmail({ subject: /prize/ }, { timeout: 10_000 })
      const receipt = await inbox.waitForEmail({ subject: /receipt/ }, { timeout: 10_000 })
      expect([spam.folder, receipt.folder]).toEqual(['junkemail', 'inbox'])
      const junk = (e: unknown) =>
        (emailMatchers.toBeJunk as (this: { isNot: boolean }, e: unknown) => MatcherResult).call(
          { isNot: true },
          e,
        )
      expect(junk(spam).pass).toBe(true)
      expect(junk(spam).message()).toMatch(
        /filed in Junk Email; SCL 5 \(spam\); SFV:SKS \(marked spam by a mail flow rule\)/,
      )
      expect(junk(receipt).pass).toBe(false)
    } finally {
      await exo.stop()
    }
  })

  it('computes the verdict when Exchange stamped none, and times out with near misses', async () => {
    const { exo, provider, transport } = await setup(false)
    try {
      const inbox = await provider.createInbox('quiet')
      await transport.send({ from: 'qa@contoso.test', to: inbox.address, subject: 'Welcome', text: 'x' })
      const email = await inbox.waitForEmail({}, { timeout: 5000 })
      expect(email.auth).toBeUndefined()
      const error = await inbox.waitForEmail({ subject: /Reset/ }, { timeout: 300 }).catch((e) => e)
      expect(error.message).toContain('Arrived for this inbox but did not match:')
    } finally {
      await exo.stop()
    }
  })

  it('reads through 429 MailboxConcurrency throttling, waiting as Retry-After says', async () => {
    // One Graph request at a time on the mailbox, each taking 30 ms: the inbox's parallel MIME fetches collide.
    const { exo, provider, transport } = await setup(false, {
      graphConcurrency: 1,
      graphRetryAfterSeconds: 0,
      graphLatencyMs: 30,
    })
    try {
      const inbox = await provider.createInbox('throttled')
      for (let n = 1; n <= 6; n++)
        await transport.send({
          from: 'qa@contoso.test',
          to: inbox.address,
          subject: `Throttled ${n}`,
          text: 'x',
        })
      const emails = await inbox.waitForEmails(6, { subject: /^Throttled/ }, { timeout: 20_000 })
      expect(emails.map((e) => e.subject).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Throttled ${n}`))
      expect(exo.graphThrottled).toBeGreaterThan(0)
    } finally {
      await transport.close()
      await exo.stop()
    }
  }, 30_000)
})

describe('toBounce (a send through the staging transport, bounces read from the Graph mailbox)', () => {
  const bounce = (sent: unknown, isNot: boolean, options: { within?: number; pollMs?: number }) =>
    (
      emailMatchers.toBounce as (
        this: { isNot: boolean },
        s: unknown,
        o: { within?: number; pollMs?: number },
      ) => Promise<MatcherResult>
    ).call({ isNot }, sent, options)

  it("finds the non-delivery report of a sent email by its Message-ID and explains it; a delivered one doesn't bounce", async () => {
    const { exo, provider, transport } = await setup(false)
    try {
      const tracked = trackBounces(transport, provider)
      const lost = await tracked.send({
        from: 'qa@contoso.test',
        to: 'nobody@contoso.test',
        subject: 'Lost',
        text: 'x',
      })
      const found = await bounce(lost, true, { within: 10_000, pollMs: 50 })
      expect(found.pass).toBe(true)
      expect(found.email?.subject).toBe('Undeliverable: Lost')
      expect(found.message()).toMatch(
        /nobody@contoso\.test: 5\.1\.10 550 5\.1\.10 RESOLVER\.ADR\.RecipientNotFound; Recipient not found by SMTP address lookup\n\s+Recipient not found: /,
      )
      const delivered = await tracked.send({
        from: 'qa@contoso.test',
        to: 'qa+fine@contoso.test',
        subject: 'Fine',
        text: 'x',
      })
      // The emulator writes a report before it answers 250: one look (no window) settles it.
      const none = await bounce(delivered, true, { within: 0 })
      expect(none.pass).toBe(false)
    } finally {
      await exo.stop()
    }
  })

  it('says it cannot tell when the inbox is a real mailbox that reads no reports, instead of passing `.not`', async () => {
    const { exo, transport } = await setup(false)
    try {
      // What an IMAP inbox is (it reads INBOX only): a real mailbox, not a capture inbox, without reports.
      const mailbox = {
        url: undefined,
        smtp: exo.smtp,
        description: 'IMAP mailbox qa@contoso.test',
        createInbox: () => Promise.reject(new Error('unused')),
      }
      const sent = await trackBounces(transport, mailbox).send({
        from: 'qa@contoso.test',
        to: 'qa+x@contoso.test',
        subject: 'x',
        text: 'x',
      })
      await expect(bounce(sent, true, { within: 0 })).rejects.toThrow(
        /cannot tell whether the email bounced: IMAP mailbox qa@contoso\.test does not read delivery reports/,
      )
    } finally {
      await exo.stop()
    }
  })

  it('refuses anything but what send() returned', async () => {
    await expect(bounce({ messageId: '<x@y>' }, false, {})).rejects.toThrow(
      /Expected what the mailTransport fixture's send\(\) returned/,
    )
  })
})

import { connectInbox, emailMatchers, type MatcherResult } from '@mailwright/core'
import { generateDkimKey, zoneResolver } from '@mailwright/core/testing'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

// The app signs with nodemailer's own DKIM signer (not mailauth's), the inbox judges with the sending
// profile: production IP 203.0.113.10 and an offline zone for example.com.
const key = generateDkimKey()
let server: StartedInboxServer
beforeAll(async () => {
  server = await startInboxServer({
    sendingProfile: {
      ip: '203.0.113.10',
      dns: zoneResolver({
        'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
        's1._domainkey.example.com': { TXT: [key.record] },
        '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
        'unsigned.test': { TXT: ['v=spf1 -all'] },
        '_dmarc.unsigned.test': { TXT: ['v=DMARC1; p=quarantine'] },
        'explained.test': { TXT: ['v=spf1 -all exp=why.explained.test'] },
        'why.explained.test': { TXT: ['%{i} is not a server of %{d}: see https://explained.test/spf'] },
        '_dmarc.explained.test': { TXT: ['v=DMARC1; p=none', 'v=DMARC1; p=reject'] },
      }),
    },
  })
})
afterAll(async () => {
  await server.stop()
})

const transport = (dkim?: { domainName: string; keySelector: string; privateKey: string }) =>
  nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtp.port,
    ignoreTLS: true,
    ...(dkim ? { dkim } : {}),
  })

type AuthMatcher =
  | 'toHavePassedSpf'
  | 'toHavePassedDkim'
  | 'toHavePassedDmarc'
  | 'toHavePassedArc'
  | 'toBeDmarcAligned'
  | 'toMeetBulkSenderRequirements'
const run = (name: AuthMatcher, email: unknown, ...args: unknown[]) =>
  (emailMatchers[name] as (this: { isNot: boolean }, ...a: unknown[]) => MatcherResult).call(
    { isNot: false },
    email,
    ...args,
  )

describe('authentication verdicts in the sandbox', () => {
  it('judges a signed email from the production profile as passing SPF, DKIM and DMARC, in process and over HTTP', async () => {
    const inbox = server.createInbox()
    const remote = await connectInbox(server.url as string, { address: inbox.address })
    await transport({ domainName: 'example.com', keySelector: 's1', privateKey: key.privateKey }).sendMail({
      from: 'no-reply@example.com',
      envelope: { from: 'bounces@example.com', to: [inbox.address] },
      to: inbox.address,
      subject: 'Signed',
      text: 'Hello',
    })
    for (const email of [await inbox.waitForEmail(), await remote.waitForEmail()]) {
      expect(email.auth?.dkim[0]).toMatchObject({
        result: 'pass',
        domain: 'example.com',
        selector: 's1',
        aligned: true,
      })
      expect(run('toHavePassedSpf', email).pass).toBe(true)
      expect(run('toHavePassedDkim', email, { domain: 'example.com', selector: 's1' }).pass).toBe(true)
      expect(run('toHavePassedDmarc', email, { policy: 'reject' }).pass).toBe(true)
      expect(email.auth?.source).toBe('computed by mailwright (sending profile: 203.0.113.10, offline DNS)')
    }
  })

  it('explains a DMARC failure in the layout of DESIGN.md', async () => {
    const inbox = server.createInbox()
    await transport().sendMail({
      from: 'alerts@unsigned.test',
      to: inbox.address,
      subject: 'Unsigned',
      text: 'Hello',
    })
    const email = await inbox.waitForEmail()
    const result = run('toHavePassedDmarc', email)
    expect(result.pass).toBe(false)
    expect(result.message()).toBe(
      [
        'expect(email).toHavePassedDmarc() failed',
        '',
        'Expected: dmarc=pass',
        'Received: dmarc=fail (p=quarantine, header.from=unsigned.test)',
        '',
        `Email:    "Unsigned" from alerts@unsigned.test to ${inbox.address}`,
        '  spf:    fail  smtp.mailfrom=unsigned.test by -all (mailwright: domain of alerts@unsigned.test does not designate 203.0.113.10 as permitted sender)',
        '  dkim:   none  (no DKIM-Signature)',
        '  dmarc:  fail  p=quarantine header.from=unsigned.test (spf not aligned, dkim not aligned)',
        '  arc:    none',
        'Source:   computed by mailwright (sending profile: 203.0.113.10, offline DNS)',
        `View:     ${server.url}/#/emails/${email.id}`,
      ].join('\n'),
    )
    expect(run('toHavePassedDkim', email).message()).toContain(
      'Received: dkim=none (the email has no DKIM-Signature)',
    )
  })

  it("quotes the domain's SPF explanation, and says when two DMARC records mean no policy", async () => {
    const inbox = server.createInbox()
    await transport().sendMail({
      from: 'alerts@explained.test',
      to: inbox.address,
      subject: 'Explained',
      text: 'Hi',
    })
    const email = await inbox.waitForEmail()
    expect(email.auth?.spf?.explanation).toBe(
      '203.0.113.10 is not a server of explained.test: see https://explained.test/spf',
    )
    const lines = run('toHavePassedSpf', email).message().split('\n')
    expect(lines).toContain(
      '          the domain explains: "203.0.113.10 is not a server of explained.test: see https://explained.test/spf"',
    )
    const dmarc = run('toHavePassedDmarc', email).message().split('\n')
    expect(dmarc).toContain('Received: dmarc=none (no policy, header.from=explained.test)')
    expect(dmarc).toContain(
      '          2 DMARC records at _dmarc.explained.test: no policy applies (RFC 7489 6.6.3); publish exactly one',
    )
  })

  it('checks the bulk-sender rules one by one, and alignment and ARC', async () => {
    const inbox = server.createInbox()
    const signer = (extra: string[]) => ({
      domainName: 'example.com',
      keySelector: 's1',
      privateKey: key.privateKey,
      headerFieldNames: ['From', 'To', 'Subject', 'Date', 'Message-ID', ...extra].join(':'),
    })
    const newsletter = (headers: Record<string, string>, signed: string[]) =>
      transport(signer(signed)).sendMail({
        from: 'news@example.com',
        to: inbox.address,
        subject: 'Spring sale',
        text: 'Deals',
        headers,
      })
    const oneClick = {
      'List-Unsubscribe': '<https://example.com/u/123>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    }
    await newsletter(oneClick, ['List-Unsubscribe', 'List-Unsubscribe-Post'])
    await newsletter({ 'List-Unsubscribe': '<mailto:u@example.com>' }, ['List-Unsubscribe'])
    const [good, bad] = await inbox.waitForEmails(2)
    expect(run('toMeetBulkSenderRequirements', good).pass).toBe(true)
    expect(run('toBeDmarcAligned', good).pass).toBe(true)
    const failure = run('toMeetBulkSenderRequirements', bad)
    expect(failure.pass).toBe(false)
    expect(failure.message()).toContain(
      [
        'Received: 3 of 9 not met',
        '',
        '  ✓ SPF passes',
        '  ✓ DKIM passes',
        '  ✓ the From domain publishes DMARC',
        '  ✓ From is aligned with SPF or DKIM',
        '  ✗ List-Unsubscribe has an https URL',
        '  ✗ List-Unsubscribe-Post: List-Unsubscribe=One-Click',
        '  ✗ both List-Unsubscribe headers are DKIM-signed',
        '  ✓ Date is a valid date',
        '  ✓ Message-ID is <id@domain>',
      ].join('\n'),
    )
    expect(run('toHavePassedArc', good).message()).toContain('Received: arc=none')
  })

  it('says how to get a verdict when the inbox has no sending profile', async () => {
    await using plain = await startInboxServer({ httpPort: false })
    const inbox = plain.createInbox()
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: plain.smtp.port, ignoreTLS: true })
      .sendMail({ from: 'a@example.com', to: inbox.address, subject: 'x', text: 'x' })
    const email = await inbox.waitForEmail()
    expect(email.auth).toBeUndefined()
    expect(() => run('toHavePassedDmarc', email)).toThrow(
      /has no sending profile\. Give the inbox server one, e\.g\. startInboxServer\(\{ sendingProfile/,
    )
  })
})

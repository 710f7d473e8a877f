import { sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateDkimKey } from '../testing/generate-dkim-key.js'
import { signEmail } from '../testing/sign-email.js'
import { computeEmailAuth } from './compute-email-auth.js'
import { type DnsRecords, zoneResolver } from './dns-resolver.js'

const key = generateDkimKey()
const envelope = {
  mailFrom: 'bounces@example.com',
  rcptTo: ['alice@inbox.test'],
  heloName: 'mail.example.com',
}
const message = (from = 'no-reply@example.com', body = 'Hello Alice.') =>
  Buffer.from(
    `From: ${from}\r\nTo: alice@inbox.test\r\nSubject: Verify\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n${body}\r\n`,
  )
const zone = (extra: DnsRecords = {}): DnsRecords => ({
  'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
  's1._domainkey.example.com': { TXT: [key.record] },
  '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
  ...extra,
})
const profile = (records: DnsRecords = zone()) => ({ ip: '203.0.113.10', dns: zoneResolver(records) })

describe('computeEmailAuth', () => {
  it('fails DMARC (permerror) for an email with two From headers, which mailauth leaves unjudged', async () => {
    const raw = Buffer.from(
      message()
        .toString()
        .replace('From: no-reply@example.com\r\n', 'From: no-reply@example.com\r\nFrom: ceo@other.test\r\n'),
    )
    const auth = await computeEmailAuth(raw, envelope, profile())
    expect(auth.dmarc).toMatchObject({
      result: 'permerror',
      comment: expect.stringContaining('2 From addresses (no-reply@example.com, ceo@other.test)'),
    })
  })

  it('passes SPF, an aligned DKIM signature and DMARC for a correctly signed email from the profile IP', async () => {
    const signed = await signEmail(message(), {
      domain: 'example.com',
      selector: 's1',
      privateKey: key.privateKey,
    })
    const auth = await computeEmailAuth(signed, envelope, profile())
    expect(auth.spf).toMatchObject({
      result: 'pass',
      domain: 'example.com',
      clientIp: '203.0.113.10',
      record: 'v=spf1 ip4:203.0.113.0/24 -all',
      mechanism: 'ip4:203.0.113.0/24',
    })
    expect(auth.dkim).toEqual([
      expect.objectContaining({ result: 'pass', domain: 'example.com', selector: 's1', aligned: true }),
    ])
    expect(auth.dmarc).toMatchObject({
      result: 'pass',
      domain: 'example.com',
      policy: 'reject',
      alignment: { spf: true, dkim: true },
    })
    expect(auth.source).toBe('computed by mailwright (sending profile: 203.0.113.10, offline DNS)')
  })

  it('fails DKIM when the body changed after signing (mailauth says neutral; RFC 6376 6.1.3 says fail), and SPF from an unlisted IP', async () => {
    const signed = await signEmail(message(), {
      domain: 'example.com',
      selector: 's1',
      privateKey: key.privateKey,
    })
    const tampered = Buffer.from(signed.toString().replace('Hello Alice.', 'Hello Mallory.'))
    const auth = await computeEmailAuth(tampered, envelope, { ...profile(), ip: '198.51.100.7' })
    expect(auth.dkim[0]?.result).toBe('fail')
    expect(auth.dkim[0]?.comment).toMatch(/body hash/i)
    expect(auth.spf?.result).toBe('fail')
    expect(auth.dmarc?.result).toBe('fail')
  })

  it('does not pass an RSA-SHA1 signature (RFC 8301)', async () => {
    const signed = await signEmail(message(), {
      domain: 'example.com',
      selector: 's1',
      privateKey: key.privateKey,
      algorithm: 'rsa-sha1',
    })
    const auth = await computeEmailAuth(signed, envelope, profile())
    expect(auth.dkim[0]?.result).not.toBe('pass')
  })

  it('does not pass a key under 1024 bits', async () => {
    const weak = generateDkimKey({ bits: 768 })
    const signed = await signEmail(message(), {
      domain: 'example.com',
      selector: 'weak',
      privateKey: weak.privateKey,
    })
    const auth = await computeEmailAuth(
      signed,
      envelope,
      profile(zone({ 'weak._domainkey.example.com': { TXT: [weak.record] } })),
    )
    expect(auth.dkim[0]?.result).not.toBe('pass')
  })

  it('takes strict alignment (adkim=s) from the organizational domain record for a subdomain From', async () => {
    const signed = await signEmail(message('news@news.example.com'), {
      domain: 'example.com',
      selector: 's1',
      privateKey: key.privateKey,
    })
    const records = zone({ '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject; adkim=s; aspf=s'] } })
    const auth = await computeEmailAuth(
      signed,
      { ...envelope, mailFrom: 'bounces@example.com' },
      profile(records),
    )
    expect(auth.dkim[0]?.result).toBe('pass')
    expect(auth.dmarc).toMatchObject({
      result: 'fail',
      domain: 'news.example.com',
      alignment: { dkim: false, spf: false, dkimStrict: true },
    })
  })

  it('does not pass a signature whose i= is outside d=', async () => {
    // mailauth signs it, and passes it with only an "identity-domain" warning.
    const signed = await signEmail(message(), {
      domain: 'example.com',
      selector: 's1',
      privateKey: key.privateKey,
      identity: '@attacker.test',
    })
    const auth = await computeEmailAuth(signed, envelope, { ...profile(), ip: '198.51.100.7' })
    expect(auth.dkim[0]).toMatchObject({
      result: 'permerror',
      aligned: false,
      comment: 'i=@attacker.test is not in d=example.com (RFC 6376 3.5)',
    })
    expect(auth.dmarc).toMatchObject({ result: 'fail', alignment: { dkim: false } })
  })

  it('does not pass a subdomain i= under a key flagged t=s', async () => {
    const records = zone({ 's1._domainkey.example.com': { TXT: [`${key.record}; t=s`] } })
    const signed = await signEmail(message(), {
      domain: 'example.com',
      selector: 's1',
      privateKey: key.privateKey,
      identity: '@mail.example.com',
    })
    const auth = await computeEmailAuth(signed, envelope, profile(records))
    expect(auth.dkim[0]).toMatchObject({ result: 'permerror', comment: expect.stringContaining('t=s') })
  })

  it('still passes a subdomain i= when the key allows it', async () => {
    const signed = await signEmail(message(), {
      domain: 'example.com',
      selector: 's1',
      privateKey: key.privateKey,
      identity: '@mail.example.com',
    })
    const auth = await computeEmailAuth(signed, envelope, profile())
    expect(auth.dkim[0]?.result).toBe('pass')
  })

  // RFC 7489 6.6.3: "If the remaining set contains multiple records or no records, policy discovery
  // terminates and DMARC processing is not applied to this message." It used to fall back to the
  // organizational domain's record and fail.
  it('finds no policy where the author domain publishes two DMARC records', async () => {
    const signed = await signEmail(message('news@news.example.com'), {
      domain: 'other.test',
      selector: 's1',
      privateKey: key.privateKey,
    })
    const records = zone({
      '_dmarc.news.example.com': { TXT: ['v=DMARC1; p=none', 'v=DMARC1; p=quarantine'] },
      's1._domainkey.other.test': { TXT: [key.record] },
    })
    const auth = await computeEmailAuth(signed, { ...envelope, mailFrom: 'b@other.test' }, profile(records))
    expect(auth.dmarc).toMatchObject({
      result: 'none',
      domain: 'news.example.com',
      comment:
        '2 DMARC records at _dmarc.news.example.com: no policy applies (RFC 7489 6.6.3); publish exactly one',
    })
    expect(auth.dmarc?.policy).toBeUndefined()
  })

  it('judges x= by the clock it is given, so a verdict reproduces', async () => {
    const signed = await signEmail(message(), {
      domain: 'example.com',
      selector: 's1',
      privateKey: key.privateKey,
      signTime: new Date('2026-11-26T10:00:00Z'),
      expires: new Date('2026-11-27T10:00:00Z'),
    })
    const at = async (iso: string) =>
      (await computeEmailAuth(signed, envelope, profile(), { now: new Date(iso) })).dkim[0]?.result
    expect(await at('2026-11-26T11:00:00Z')).toBe('pass')
    expect(await at('2026-11-28T11:00:00Z')).toBe('neutral')
  })

  describe('ARC', () => {
    const arcKey = generateDkimKey()
    const arcRecords = zone({ 'arc._domainkey.forwarder.test': { TXT: [arcKey.record] } })
    const forwarded = async (changeSeal: (seal: string) => string = (seal) => seal) => {
      const { sealMessage } = await import('mailauth')
      const original = await signEmail(message(), {
        domain: 'example.com',
        selector: 's1',
        privateKey: key.privateKey,
      })
      const set = (
        await sealMessage(original, {
          signingDomain: 'forwarder.test',
          selector: 'arc',
          privateKey: arcKey.privateKey,
          authResults: 'mx.forwarder.test; dkim=pass header.d=example.com',
          cv: 'none',
        } as never)
      ).toString()
      return Buffer.concat([Buffer.from(resealed(set, changeSeal, arcKey.privateKey)), original])
    }

    it('passes a chain a forwarder sealed', async () => {
      const auth = await computeEmailAuth(await forwarded(), envelope, profile(arcRecords))
      expect(auth.arc?.result).toBe('pass')
    })

    // RFC 8617 4.1 uses RFC 6376 3.2's tag-list: a duplicated tag, an empty tag-spec, a tag name that is not
    // ALPHA *(ALPHA / DIGIT / "_") make the header invalid, and tag names are case-sensitive. Each seal
    // below is validly signed with the mistake in it; the lenient reading passed them all.
    it.each([
      [
        'a duplicated tag',
        (seal: string) => seal.replace('cv=none;', 'cv=none; cv=none;'),
        'duplicate tag: cv',
      ],
      ['an empty tag-spec', (seal: string) => seal.replace('cv=none;', 'cv=none;;'), 'empty tag-spec'],
      [
        'an invalid tag name',
        (seal: string) => seal.replace('cv=none;', 'cv=none; 9x=1;'),
        'invalid tag name',
      ],
      ['a tag name in the wrong case', (seal: string) => seal.replace(' d=', ' D='), 'missing d='],
    ])('fails a seal with %s, saying which', async (_what, change, reason) => {
      const raw = await forwarded(change)
      const { authenticate } = await import('mailauth')
      const lenient = await authenticate(raw, {
        ip: '203.0.113.10',
        resolver: zoneResolver(arcRecords) as never,
        disableBimi: true,
      } as never)
      expect((lenient.arc as { status: { result: string } }).status.result).toBe('pass')
      const auth = await computeEmailAuth(raw, envelope, profile(arcRecords))
      expect(auth.arc?.result).toBe('fail')
      expect(auth.arc?.comment).toContain(reason)
    })
  })
})

// Re-signs an ARC set's ARC-Seal after changing its text, as a sloppy forwarder would have sealed it
// (RFC 8617 5.1.1: relaxed canonicalization of AAR, AMS and AS, the seal's b= empty).
function resealed(set: string, change: (seal: string) => string, privateKey: string): string {
  const headers = set.split(/\r\n(?![ \t])/).filter(Boolean)
  const find = (name: string) => headers.find((h) => h.toLowerCase().startsWith(`${name}:`)) as string
  const relaxed = (header: string) => {
    const colon = header.indexOf(':')
    const value = header
      .slice(colon + 1)
      .replace(/\r\n/g, '')
      .replace(/[ \t]+/g, ' ')
      .trim()
    return `${header.slice(0, colon).trim().toLowerCase()}:${value}`
  }
  const seal = change(find('arc-seal')).replace(/(;\s*b=)[^;]*$/, '$1')
  const data = [find('arc-authentication-results'), find('arc-message-signature'), seal]
    .map(relaxed)
    .join('\r\n')
  const b = sign('sha256', Buffer.from(data), privateKey).toString('base64')
  return (
    [`${seal}${b}`, find('arc-message-signature'), find('arc-authentication-results')].join('\r\n') + '\r\n'
  )
}

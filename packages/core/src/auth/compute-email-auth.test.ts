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
})

import { describe, expect, it } from 'vitest'
import { checkSpf } from './check-spf.js'
import { type DnsRecords, zoneResolver } from './dns-resolver.js'

const spfFor = (record: string, extra: DnsRecords = {}, helo = 'mail.example.com') =>
  checkSpf({
    ip: '203.0.113.10',
    helo,
    mailFrom: 'bounces@example.com',
    dns: zoneResolver({ 'example.com': { TXT: [record] }, ...extra }),
  })

describe('checkSpf', () => {
  it('passes from a listed range and names the mechanism that matched', async () => {
    expect(await spfFor('v=spf1 ip4:203.0.113.0/24 -all')).toMatchObject({
      result: 'pass',
      domain: 'example.com',
      clientIp: '203.0.113.10',
      mechanism: 'ip4:203.0.113.0/24',
    })
  })

  // RFC 7208 5.6: an ip4-cidr-length is 0-32, an ip6-cidr-length 0-128; anything else is a syntax error.
  it.each(['v=spf1 ip4:1.2.3.4/33 -all', 'v=spf1 ip6:2001:db8::/129 -all', 'v=spf1 ip4:1.2.3.4/abc -all'])(
    'is permerror, not a RangeError, for an out-of-range CIDR: %s',
    async (record) => {
      const spf = await spfFor(record)
      expect(spf).toMatchObject({ result: 'permerror', record })
      expect(spf.comment).toMatch(/Invalid CIDR length/)
      expect(spf.mechanism).toBeUndefined()
    },
  )

  it.each([
    ['a bare ip6 (5.6)', 'v=spf1 ip6 -all', /Invalid "ip6" term/],
    ['exp= twice (6)', 'v=spf1 -all exp=a.example.com exp=b.example.com', /more than 1 exp/],
    ['exp=-all (6.2)', 'v=spf1 -all exp=-all', /Invalid domain-spec "-all"/],
    ['%{c} outside exp (7.1)', 'v=spf1 a:%{c}.example.com -all', /Macro letter "c"/],
    ['%{r} outside exp (7.1)', 'v=spf1 a:%{r}.example.com -all', /Macro letter "r"/],
    ['%{t} outside exp (7.1)', 'v=spf1 a:%{t}.example.com -all', /Macro letter "t"/],
  ])('is permerror for %s', async (_what, record, reason) => {
    const spf = await spfFor(record)
    expect(spf.result).toBe('permerror')
    expect(spf.comment).toMatch(reason)
  })

  // RFC 7208 7.1 and the 7.4 example: an invalid HELO name expanded by %{h} makes the mechanism not match.
  it('lets a mechanism with an invalid HELO in %{h} not match, rather than erring', async () => {
    const spf = await spfFor('v=spf1 a:%{h}.example.com -all', {}, 'not a valid name')
    expect(spf.result).toBe('fail')
  })

  it("keeps the domain owner's exp= explanation on a fail (RFC 7208 6.2)", async () => {
    const spf = await spfFor('v=spf1 -all exp=why.example.com', {
      'why.example.com': { TXT: ['%{i} is not one of %{d} servers: see https://example.com/spf'] },
    })
    expect(spf.result).toBe('fail')
    expect(spf.explanation).toBe(
      '203.0.113.10 is not one of example.com servers: see https://example.com/spf',
    )
  })

  it('checks the HELO name for a null sender, and is temperror when DNS times out', async () => {
    const helo = await checkSpf({
      ip: '203.0.113.10',
      helo: 'mail.example.com',
      mailFrom: '',
      dns: zoneResolver({ 'mail.example.com': { TXT: ['v=spf1 ip4:203.0.113.10 -all'] } }),
    })
    expect(helo).toMatchObject({ result: 'pass', domain: 'mail.example.com' })
    const slow = await spfFor('v=spf1 include:slow.example.com -all', {
      'slow.example.com': { error: 'TIMEOUT' },
    })
    expect(slow.result).toBe('temperror')
  })

  it('matches ptr through PTR and forward records', async () => {
    const records: DnsRecords = {
      '10.113.0.203.in-addr.arpa': { PTR: ['mail.example.com'] },
      'mail.example.com': { A: ['203.0.113.10'] },
    }
    expect((await spfFor('v=spf1 ptr -all', records)).result).toBe('pass')
    const spoofed = { ...records, 'mail.example.com': { A: ['198.51.100.1'] } }
    expect((await spfFor('v=spf1 ptr -all', spoofed)).result).toBe('fail')
  })
})

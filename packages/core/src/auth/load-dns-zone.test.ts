import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { zoneResolver } from './dns-resolver.js'
import { checkDnsRecords, loadDnsZone, parseZoneFile } from './load-dns-zone.js'

describe('zone files', () => {
  it('reads a BIND zone with $ORIGIN, @, relative names, TTL/class columns, split TXT and parentheses', async () => {
    const records = parseZoneFile(`
$ORIGIN example.com.
$TTL 3600
@              IN  TXT  "v=spf1 ip4:203.0.113.0/24 -all" ; the sender
s1._domainkey  300 IN TXT ( "v=DKIM1; k=rsa; "
                            "p=MIIBIjANBgkq" )
_dmarc         TXT  "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"
mail           A    203.0.113.10
               AAAA 2001:db8::10
@              MX   10 mail
www.other.test. CNAME example.com.
`)
    expect(records).toEqual({
      'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'], MX: ['10 mail.example.com'] },
      's1._domainkey.example.com': { TXT: ['v=DKIM1; k=rsa; p=MIIBIjANBgkq'] },
      '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@example.com'] },
      'mail.example.com': { A: ['203.0.113.10'], AAAA: ['2001:db8::10'] },
      'www.other.test': { CNAME: ['example.com'] },
    })
    const dns = zoneResolver(records)
    expect(await dns('example.com', 'TXT')).toEqual([['v=spf1 ip4:203.0.113.0/24 -all']])
    expect(await dns('example.com', 'MX')).toEqual([{ priority: 10, exchange: 'mail.example.com' }])
    await expect(dns('nope.example.com', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' })
    await expect(dns('mail.example.com', 'TXT')).rejects.toMatchObject({ code: 'ENODATA' })
  })

  it('loads JSON records, and names the line of an unsupported record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-zone-'))
    writeFileSync(join(dir, 'dns.json'), JSON.stringify({ 'a.test': { TXT: ['x'] } }))
    expect(loadDnsZone(join(dir, 'dns.json'))).toEqual({ 'a.test': { TXT: ['x'] } })
    // A zone as DNS servers export it: its SOA and NS are read past.
    expect(
      parseZoneFile(
        '$ORIGIN a.test.\n@ 3600 IN SOA ns1.a.test. admin.a.test. (\n  2026112901 7200 3600 1209600 3600 )\n@ IN NS ns1.a.test.\n@ IN TXT "v=spf1 -all"',
      ),
    ).toEqual({ 'a.test': { TXT: ['v=spf1 -all'] } })
    expect(() =>
      checkDnsRecords({ 'a.test': { MX: [{ exchange: 'mx.a.test', priority: 10 }] } }, 'dns.json'),
    ).toThrow(
      'dns.json: "a.test".MX is {"exchange":"mx.a.test","priority":10}; expected a string, e.g. "10 mail.example.com" (records are written as in a zone file).',
    )
    expect(() => parseZoneFile('$ORIGIN a.test.\n@ SRV 0 0 25 mx', 'dns.zone')).toThrow(
      'dns.zone line 2: record type "SRV" is not supported here; use TXT, A, AAAA, MX, CNAME, PTR or ERROR.',
    )
    expect(() => loadDnsZone(join(dir, 'missing.zone'))).toThrow(/Cannot read the DNS zone .*missing\.zone/)
  })

  it('describes real DNS: PTR, CNAME chains, and names or types that fail', async () => {
    const records = parseZoneFile(`
$ORIGIN example.com.
10.113.0.203.in-addr.arpa. PTR mail
mail            A      203.0.113.10
alias           CNAME  alias2
alias2          CNAME  mail
loop1           CNAME  loop2
loop2           CNAME  loop1
slow            ERROR  TIMEOUT
flaky           TXT    "v=spf1 -all"
flaky           ERROR  SERVFAIL A
gone            ERROR  NXDOMAIN
`)
    expect(records['flaky.example.com']).toEqual({ TXT: ['v=spf1 -all'], A: 'SERVFAIL' })
    const dns = zoneResolver(records)
    expect(await dns('10.113.0.203.in-addr.arpa', 'PTR')).toEqual(['mail.example.com'])
    expect(await dns('alias.example.com', 'A')).toEqual(['203.0.113.10'])
    expect(await dns('alias.example.com', 'CNAME')).toEqual(['alias2.example.com'])
    await expect(dns('loop1.example.com', 'TXT')).rejects.toMatchObject({ code: 'ESERVFAIL' })
    await expect(dns('slow.example.com', 'TXT')).rejects.toMatchObject({ code: 'ETIMEOUT' })
    expect(await dns('flaky.example.com', 'TXT')).toEqual([['v=spf1 -all']])
    await expect(dns('flaky.example.com', 'A')).rejects.toMatchObject({ code: 'ESERVFAIL' })
    await expect(dns('flaky.example.com', 'MX')).rejects.toMatchObject({ code: 'ENODATA' })
    await expect(dns('gone.example.com', 'A')).rejects.toMatchObject({ code: 'ENOTFOUND' })
  })

  it('reads RFC 1035 escapes and the null MX', async () => {
    const dns = zoneResolver(parseZoneFile('a\\032b.test. TXT "line\\010two \\"q\\""\nnull.test. MX 0 .'))
    expect(await dns('a b.test', 'TXT')).toEqual([['line\ntwo "q"']])
    expect(await dns('null.test', 'MX')).toEqual([{ priority: 0, exchange: '' }])
  })

  it('names the line and the value of a malformed record', () => {
    const bad = (text: string) => () => parseZoneFile(`$ORIGIN a.test.\n${text}`, 'dns.zone')
    expect(bad('@ A 300.1.2.3')).toThrow(
      'dns.zone line 2: A "300.1.2.3" is not an IPv4 address, e.g. 203.0.113.10.',
    )
    expect(bad('@ AAAA 203.0.113.1')).toThrow('dns.zone line 2: AAAA "203.0.113.1" is not an IPv6 address')
    expect(bad('@ MX mail')).toThrow('dns.zone line 2: MX "mail" is not a preference and a host')
    expect(bad('@ ERROR SLOW')).toThrow(
      'dns.zone line 2: "SLOW" is not an ERROR record; write ERROR NXDOMAIN|SERVFAIL|TIMEOUT [type]',
    )
  })

  it('checks the JSON form, naming the key and the value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-zone-'))
    const load = (records: unknown) => {
      writeFileSync(join(dir, 'dns.json'), JSON.stringify(records))
      return () => loadDnsZone(join(dir, 'dns.json'))
    }
    expect(load({ 'a.test': { TXT: ['x'], PTR: ['b.test'], error: 'TIMEOUT', MX: 'SERVFAIL' } })()).toEqual({
      'a.test': { TXT: ['x'], PTR: ['b.test'], error: 'TIMEOUT', MX: 'SERVFAIL' },
    })
    expect(load({ 'a.test': { TXT: 'v=spf1 -all' } })).toThrow(
      `${join(dir, 'dns.json')}: "a.test".TXT is "v=spf1 -all"; expected a list of values, or NXDOMAIN, SERVFAIL or TIMEOUT.`,
    )
    expect(load({ 'a.test': { A: ['a.test'] } })).toThrow('"a.test".A is "a.test"; expected an IPv4 address')
    expect(load({ 'a.test': { SRV: ['x'] } })).toThrow('"a.test" is "SRV"; expected a record type')
    expect(load(['x'])).toThrow('the top level is ["x"]')
  })
})

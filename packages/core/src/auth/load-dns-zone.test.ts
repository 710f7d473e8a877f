import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { zoneResolver } from './dns-resolver.js'
import { loadDnsZone, parseZoneFile } from './load-dns-zone.js'

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
    expect(() => parseZoneFile('$ORIGIN a.test.\n@ SRV 0 0 25 mx', 'dns.zone')).toThrow(
      'dns.zone line 2: record type "SRV" is not supported here; use TXT, A, AAAA, MX or CNAME.',
    )
    expect(() => loadDnsZone(join(dir, 'missing.zone'))).toThrow(/Cannot read the DNS zone .*missing\.zone/)
  })
})

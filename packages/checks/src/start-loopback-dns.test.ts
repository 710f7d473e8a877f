import { Resolver } from 'node:dns/promises'
import { zoneResolver } from '@mailwright/core'
import { describe, expect, it } from 'vitest'
import { startLoopbackDns } from './start-loopback-dns.js'

describe('startLoopbackDns', () => {
  it('answers from the zone and says NXDOMAIN for every other name, on 127.0.0.1', async () => {
    await using dns = await startLoopbackDns(
      zoneResolver({
        'example.com': {
          TXT: ['v=spf1 ip4:198.51.100.20 -all', 'x'.repeat(300)],
          A: ['198.51.100.20'],
          MX: ['10 mail.example.com'],
        },
        '20.100.51.198.in-addr.arpa': { PTR: ['mail.example.com'] },
        'slow.example.com': { error: 'SERVFAIL' },
      }),
    )
    expect(dns.address).toMatch(/^127\.0\.0\.1:\d+$/)
    const resolver = new Resolver({ timeout: 2000, tries: 1 })
    resolver.setServers([dns.address])
    expect(await resolver.resolveTxt('example.com')).toEqual([
      ['v=spf1 ip4:198.51.100.20 -all'],
      ['x'.repeat(255), 'x'.repeat(45)],
    ])
    expect(await resolver.resolve4('example.com')).toEqual(['198.51.100.20'])
    expect(await resolver.resolveMx('example.com')).toMatchObject([
      { priority: 10, exchange: 'mail.example.com' },
    ])
    expect(await resolver.reverse('198.51.100.20')).toEqual(['mail.example.com'])
    await expect(resolver.resolveTxt('zen.spamhaus.org')).rejects.toMatchObject({ code: 'ENOTFOUND' })
    await expect(resolver.resolveTxt('slow.example.com')).rejects.toMatchObject({ code: 'ESERVFAIL' })
    // A name with other types but not this one: no data, not no name.
    await expect(resolver.resolve6('example.com')).rejects.toMatchObject({ code: 'ENODATA' })
    expect(dns.queries).toContain('TXT zen.spamhaus.org')
  })

  it('says NXDOMAIN to everything without a zone, and ignores what is not DNS', async () => {
    await using dns = await startLoopbackDns()
    const { createSocket } = await import('node:dgram')
    const socket = createSocket('udp4')
    socket.send(Buffer.from('not a DNS packet'), dns.port, '127.0.0.1')
    const resolver = new Resolver({ timeout: 2000, tries: 1 })
    resolver.setServers([dns.address])
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'ENOTFOUND' })
    socket.close()
  })
})

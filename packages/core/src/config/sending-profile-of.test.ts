import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { SendingProfile } from '../auth/compute-email-auth.js'
import type { DnsResolver } from '../auth/dns-resolver.js'
import { resolveEnvironment } from './resolve-environment.js'
import { sendingProfileOf } from './sending-profile-of.js'

describe('sendingProfileOf', () => {
  it('turns an environment profile into a sending profile with its DNS (zone file, inline records, system)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-profile-'))
    writeFileSync(join(dir, 'dns.zone'), '$ORIGIN example.com.\n@ TXT "v=spf1 ip4:203.0.113.10 -all"\n')
    const environments = {
      fromZone: {
        profile: { senderIp: '203.0.113.10', helo: 'mail.example.com', dns: { zone: join(dir, 'dns.zone') } },
      },
      inline: {
        profile: { senderIp: '203.0.113.11', dns: { records: { 'example.org': { TXT: ['v=spf1 -all'] } } } },
      },
      system: { profile: { senderIp: '203.0.113.12' } },
      none: {},
    }
    const of = async (name: keyof typeof environments) =>
      sendingProfileOf(await resolveEnvironment({ environments }, { name, env: {} }))
    const zone = await of('fromZone')
    expect(zone).toMatchObject({ ip: '203.0.113.10', helo: 'mail.example.com' })
    expect(await ((zone as SendingProfile).dns as DnsResolver)('example.com', 'TXT')).toEqual([
      ['v=spf1 ip4:203.0.113.10 -all'],
    ])
    expect(await (((await of('inline')) as SendingProfile).dns as DnsResolver)('example.org', 'TXT')).toEqual(
      [['v=spf1 -all']],
    )
    expect(await of('system')).toEqual({ ip: '203.0.113.12', helo: undefined, dns: 'system' })
    expect(await of('none')).toBeUndefined()
  })
})

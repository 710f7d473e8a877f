import type { SendingProfile } from '../auth/compute-email-auth.js'
import { zoneResolver } from '../auth/dns-resolver.js'
import { loadDnsZone } from '../auth/load-dns-zone.js'
import type { ResolvedEnvironment } from './resolve-environment.js'

/**
 * The sending profile an environment declares (`profile: { senderIp, helo?, dns? }`), ready for the inbox
 * server: DNS from the system, a zone file, or inline records. Undefined when the environment has none.
 *
 * @example
 * await startInboxServer({ sendingProfile: sendingProfileOf(environment) })
 */
export function sendingProfileOf(environment: ResolvedEnvironment): SendingProfile | undefined {
  const profile = environment.profile
  if (!profile) return undefined
  const dns = profile.dns
  return {
    ip: profile.senderIp,
    helo: profile.helo,
    dns:
      dns === undefined || dns === 'system'
        ? 'system'
        : 'zone' in dns
          ? zoneResolver(loadDnsZone(dns.zone))
          : zoneResolver(dns.records),
  }
}

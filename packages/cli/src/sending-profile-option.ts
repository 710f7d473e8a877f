import { isIP } from 'node:net'
import { loadDnsZone, type SendingProfile, zoneResolver } from '@mailwright/core'
import { errorDetail } from '@mailwright/core/internal'
import { UsageError } from './usage-error.js'

/**
 * The sending profile `--sender-ip`, `--sender-helo` and `--dns` describe (undefined without
 * `--sender-ip`), or a UsageError naming the command, the flag and the fix.
 *
 * @example
 * const profile = sendingProfileOption('mailwright serve', { 'sender-ip': '203.0.113.10', dns: './dns.zone' })
 */
export function sendingProfileOption(
  command: string,
  values: { 'sender-ip'?: string; 'sender-helo'?: string; dns?: string },
): SendingProfile | undefined {
  const ip = values['sender-ip']
  if (!ip) {
    if (values.dns || values['sender-helo'])
      throw new UsageError(
        `${command}: --dns and --sender-helo need --sender-ip (the production IP the verdicts assume).`,
      )
    return undefined
  }
  if (isIP(ip) === 0) {
    throw new UsageError(
      `${command}: --sender-ip ${JSON.stringify(ip)} is not an IP address; give the production egress IP, e.g. 203.0.113.10.`,
    )
  }
  const dns = values.dns ?? 'system'
  let resolver: SendingProfile['dns'] = 'system'
  if (dns !== 'system') {
    try {
      resolver = zoneResolver(loadDnsZone(dns))
    } catch (error) {
      throw new UsageError(`${command}: --dns ${errorDetail(error)}`)
    }
  }
  return { ip, helo: values['sender-helo'], dns: resolver }
}

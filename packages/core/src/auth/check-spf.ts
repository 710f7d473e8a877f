import { BlockList, isIP } from 'node:net'
import { type DnsResolver, resolverFor } from './dns-resolver.js'
import type { SpfVerdict } from './email-auth.js'

/** What SPF's check_host() needs (RFC 7208 §4.1). */
export interface CheckSpfOptions {
  /** The client's IP address: the sending server's production egress address. */
  ip: string
  /** The MAIL FROM address; empty or unset for a null sender, when the HELO name is checked instead. */
  mailFrom?: string
  /** The HELO/EHLO name. Default: the IP in brackets. */
  helo?: string
  /** The system resolver (default) or an offline one ({@link zoneResolver}). */
  dns?: 'system' | DnsResolver
  /** The receiving server's name, written into the comment. Default `mailwright`. */
  mta?: string
  /** The deadline for the whole evaluation (RFC 7208 §4.6.4): past it the result is `temperror`. Default 20 s. */
  timeoutMs?: number
}

/**
 * Checks SPF for a sending IP, HELO name and MAIL FROM the way a receiving server does (RFC 7208, every
 * syntax rule applied: a malformed record is `permerror`, never a guess), with the same code
 * {@link computeEmailAuth} uses. The domain owner's `exp=` text comes back as `explanation` on a fail.
 *
 * @example
 * const spf = await checkSpf({ ip: '203.0.113.10', mailFrom: 'bounces@example.com', dns: zoneResolver(records) })
 * spf.result    // 'pass'
 * spf.mechanism // 'ip4:203.0.113.0/24'
 */
export async function checkSpf(options: CheckSpfOptions): Promise<SpfVerdict> {
  const { spf } = await import('mailauth')
  const resolver = resolverFor(options.dns)
  let helo = options.helo || options.ip
  if (isIP(helo)) helo = `[${helo}]`
  const result = (await spf({
    sender: options.mailFrom || undefined,
    ip: options.ip,
    helo,
    mta: options.mta ?? 'mailwright',
    resolver: resolver as never,
    strict: true,
    maxElapsedTime: options.timeoutMs ?? 20_000,
  } as never)) as SpfResponse
  // A record that is an error is the one the sender must see, but mailauth does not return it.
  const record =
    result.rr ??
    (result.status.result === 'permerror' ? await publishedRecord(result.domain, resolver) : undefined)
  const verdict: SpfVerdict = {
    result: result.status.result,
    domain: result.domain,
    clientIp: result['client-ip'],
    comment: result.status.comment,
    record,
    mechanism: decidingMechanism(record, options.ip, result.status.result),
  }
  if (result.explanation) verdict.explanation = result.explanation
  return verdict
}

async function publishedRecord(domain: string, resolver: DnsResolver): Promise<string | undefined> {
  try {
    const answers = (await resolver(domain, 'TXT')) as string[][]
    const records = answers.map((parts) => parts.join('')).filter((t) => /^v=spf1(\s|$)/i.test(t))
    return records.length === 1 ? records[0] : undefined
  } catch {
    return undefined
  }
}

interface SpfResponse {
  domain: string
  'client-ip'?: string
  rr?: string
  explanation?: string
  status: { result: string; comment?: string }
}

// The mechanism that decided, for the common record shapes: the first ip4/ip6 range holding the IP,
// else the `all` term for a fail/softfail/neutral, else the includes/redirect that must have matched.
function decidingMechanism(record: string | undefined, ip: string, result: string): string | undefined {
  if (!record || !['pass', 'fail', 'softfail', 'neutral'].includes(result)) return undefined
  const terms = record.split(/\s+/).slice(1)
  const ipTerm = terms.find((t) => {
    const m = /^[+~?-]?ip([46]):(.+)$/i.exec(t)
    return m ? inRange(ip, m[2] as string) : false
  })
  if (ipTerm) return ipTerm
  if (result !== 'pass') return terms.find((t) => /^[+~?-]?all$/i.test(t))
  return terms.filter((t) => /^[+]?(include|a|mx|exists|redirect)[:=]?/i.test(t)).join(' ') || undefined
}

// A record is anyone's text: a range that is not one (`/33`, `/abc`) matches nothing here rather than
// throwing; the evaluation itself has already judged it (permerror).
function inRange(ip: string, range: string): boolean {
  const [base = '', bits, ...rest] = range.split('/')
  const family = isIP(ip)
  if (family === 0 || isIP(base) !== family || rest.length > 0) return false
  const max = family === 4 ? 32 : 128
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN
  if (!(prefix >= 0 && prefix <= max)) return false
  const list = new BlockList()
  list.addSubnet(base, prefix, family === 4 ? 'ipv4' : 'ipv6')
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6')
}

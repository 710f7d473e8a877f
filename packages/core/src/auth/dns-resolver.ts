import { promises as dns } from 'node:dns'

/** The resolver shape mailauth takes: `dns.promises.resolve`'s (TXT answers are `string[][]`). */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>

/** The machine's own resolver (real DNS). */
export const systemResolver: DnsResolver = (name, rrtype) => dns.resolve(name, rrtype)

/** The resolver a `dns` option names: the system's when unset or `'system'`. */
export function resolverFor(dnsOption: 'system' | DnsResolver | undefined): DnsResolver {
  return dnsOption === undefined || dnsOption === 'system' ? systemResolver : dnsOption
}

/** The record types an offline zone holds. */
export type DnsRecordType = 'TXT' | 'A' | 'AAAA' | 'MX' | 'CNAME' | 'PTR'

/**
 * An answer that is not records: the name does not exist (`NXDOMAIN`), the server failed (`SERVFAIL`), or
 * no answer came in time (`TIMEOUT`). SPF turns the last two into `temperror`, DMARC and DKIM likewise.
 */
export type DnsFailure = 'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT'

/** One name's records by type; a type may instead fail, and `error` is how every other type fails. */
export type DnsRecordSet = Partial<Record<DnsRecordType, string[] | DnsFailure>> & { error?: DnsFailure }

/**
 * DNS records by name, then by type: `{ 'example.com': { TXT: ['v=spf1 -all'] } }`. MX values are
 * `"10 mail.example.com"`; PTR records sit at the reverse name (`10.113.0.203.in-addr.arpa`). A type can
 * fail instead of answering (`{ TXT: 'TIMEOUT' }`), and `error` fails every type the name has no
 * records for (`{ TXT: ['v=spf1 -all'], error: 'SERVFAIL' }`).
 */
export type DnsRecords = Record<string, DnsRecordSet>

export const DNS_RECORD_TYPES: readonly DnsRecordType[] = ['TXT', 'A', 'AAAA', 'MX', 'CNAME', 'PTR']
export const DNS_FAILURES: readonly DnsFailure[] = ['NXDOMAIN', 'SERVFAIL', 'TIMEOUT']

// The codes node:dns gives each failure, which mailauth and every caller of dns.promises.resolve read.
const FAILURE_CODES: Record<DnsFailure, string> = {
  NXDOMAIN: 'ENOTFOUND',
  SERVFAIL: 'ESERVFAIL',
  TIMEOUT: 'ETIMEOUT',
}

// Real resolvers give up on long CNAME chains too; a loop is a SERVFAIL.
const MAX_CNAME_HOPS = 8

/**
 * An offline resolver over plain records, answering like `dns.promises.resolve`: misses reject with
 * `ENOTFOUND` (no such name) or `ENODATA` (the name has other types), a declared failure with `ESERVFAIL`
 * or `ETIMEOUT`. CNAME chains are followed as a recursive resolver does (a loop or more than 8 hops is
 * `ESERVFAIL`). TXT values over 255 characters are split into strings as DNS does. Names are
 * case-insensitive.
 *
 * @example
 * const dns = zoneResolver({
 *   'example.com': { TXT: ['v=spf1 ip4:203.0.113.10 ptr -all'] },
 *   '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
 *   '10.113.0.203.in-addr.arpa': { PTR: ['mail.example.com'] },
 *   'mail.example.com': { A: ['203.0.113.10'] },
 *   'slow.example.com': { error: 'TIMEOUT' },
 * })
 */
export function zoneResolver(records: DnsRecords): DnsResolver {
  const zone = new Map(Object.entries(records).map(([name, set]) => [normalName(name), set]))
  return async (name, rrtype) => {
    const type = rrtype.toUpperCase() as DnsRecordType
    let current = normalName(name)
    for (let hop = 0; ; hop++) {
      const entry = zone.get(current)
      const answer = entry?.[type]
      if (typeof answer === 'string') throw dnsError(answer, name, rrtype)
      if (answer) return shape(type, answer)
      const alias = type === 'CNAME' ? undefined : entry?.CNAME
      if (Array.isArray(alias) && alias[0]) {
        if (hop >= MAX_CNAME_HOPS)
          throw dnsError('SERVFAIL', name, rrtype, 'a CNAME chain longer than 8 or a loop')
        current = normalName(alias[0])
        continue
      }
      if (entry?.error) throw dnsError(entry.error, name, rrtype)
      const error = new Error(
        `${rrtype} ${name}: ${entry ? 'no such record type' : 'no such name'} in the offline zone`,
      ) as Error & { code: string }
      error.code = entry ? 'ENODATA' : 'ENOTFOUND'
      throw error
    }
  }
}

function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '')
}

function shape(type: DnsRecordType, values: string[]): unknown {
  if (type === 'TXT') return values.map((v) => v.match(/.{1,255}/gs) ?? [''])
  if (type === 'MX') {
    return values.map((v) => {
      const [priority, exchange = ''] = v.trim().split(/\s+/)
      // The null MX (RFC 7505) is written "."; node:dns reports its exchange as ''.
      return { priority: Number(priority), exchange: exchange === '.' ? '' : exchange.replace(/\.$/, '') }
    })
  }
  return values
}

function dnsError(failure: DnsFailure, name: string, rrtype: string, why?: string): Error {
  const error = new Error(`${rrtype} ${name}: ${why ?? failure} (declared in the offline zone)`) as Error & {
    code: string
  }
  error.code = FAILURE_CODES[failure]
  return error
}

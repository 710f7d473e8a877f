import { promises as dns } from 'node:dns'

/** The resolver shape mailauth takes: `dns.promises.resolve`'s (TXT answers are `string[][]`). */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>

/** The machine's own resolver (real DNS). */
export const systemResolver: DnsResolver = (name, rrtype) => dns.resolve(name, rrtype)

/** The resolver a `dns` option names: the system's when unset or `'system'`. */
export function resolverFor(dnsOption: 'system' | DnsResolver | undefined): DnsResolver {
  return dnsOption === undefined || dnsOption === 'system' ? systemResolver : dnsOption
}

/** DNS records by name, then by type: `{ 'example.com': { TXT: ['v=spf1 -all'] } }`. */
export type DnsRecords = Record<string, Partial<Record<'TXT' | 'A' | 'AAAA' | 'MX' | 'CNAME', string[]>>>

/**
 * An offline resolver over plain records, answering like `dns.promises.resolve` (misses reject with
 * `ENOTFOUND`, or `ENODATA` when the name has other types). TXT values over 255 characters are split into
 * strings as DNS does. Names are case-insensitive.
 *
 * @example
 * const dns = zoneResolver({
 *   'example.com': { TXT: ['v=spf1 ip4:203.0.113.10 -all'] },
 *   '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
 * })
 */
export function zoneResolver(records: DnsRecords): DnsResolver {
  const zone = new Map(
    Object.entries(records).map(([name, types]) => [name.toLowerCase().replace(/\.$/, ''), types]),
  )
  return async (name, rrtype) => {
    const entry = zone.get(name.toLowerCase().replace(/\.$/, ''))
    const type = rrtype.toUpperCase() as keyof DnsRecords[string]
    const values = entry?.[type]
    if (!entry || !values) {
      const error = new Error(
        `${rrtype} ${name}: ${entry ? 'no such record type' : 'no such name'} in the offline zone`,
      ) as Error & { code: string }
      error.code = entry ? 'ENODATA' : 'ENOTFOUND'
      throw error
    }
    if (type === 'TXT') return values.map((v) => v.match(/.{1,255}/gs) ?? [''])
    if (type === 'MX') {
      return values.map((v) => {
        const [priority, exchange] = v.trim().split(/\s+/)
        return { priority: Number(priority), exchange }
      })
    }
    return values
  }
}

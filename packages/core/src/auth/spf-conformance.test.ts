import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { describeWith } from '../requirement.test-util.js'
import { checkSpf } from './check-spf.js'
import { type DnsRecords, type DnsResolver, zoneResolver } from './dns-resolver.js'
import { parseZoneFile } from './load-dns-zone.js'

// The OpenSPF RFC 7208 conformance suite (openspf.org release 2014.04, BSD-3, kept by the pyspf project as
// https://github.com/sdgathman/pyspf/blob/master/test/rfc7208-tests.yml) is test data, never copied into the
// project: it is read from MAILWRIGHT_SPF_SUITE, or from a `corpora/spf/` folder beside the checkout where
// the workplace keeps it. A laptop without it skips, saying so; under CI a missing suite fails.
const suitePath = process.env.MAILWRIGHT_SPF_SUITE ?? besideCheckout('corpora/spf/rfc7208-tests.yml')
const haveSuite = suitePath !== undefined && existsSync(suitePath)

function besideCheckout(file: string): string | undefined {
  const parent = fileURLToPath(new URL('../../../../../', import.meta.url))
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(parent, entry.name, file))
    .find((path) => existsSync(path))
}

type ZoneEntry = string | Record<string, unknown>
interface SuiteTest {
  helo: string
  host: string
  mailfrom: string
  result: string | string[]
  explanation?: string
  spec?: string | string[]
}
interface SuiteDocument {
  description: string
  tests: Record<string, SuiteTest>
  zonedata?: Record<string, ZoneEntry[]>
}

function readSuite(): SuiteDocument[] {
  // latin-1: the file holds raw bytes on purpose (non-ASCII records must be permerror).
  return parseAllDocuments(readFileSync(suitePath as string, 'latin1')).map((d) => d.toJS() as SuiteDocument)
}

// The suite's records as pairs, with the driver rules of the suite's README applied: TXT values given as a
// list are joined; "NONE" marks a type as absent; SPF-type records stand in for TXT when there is no TXT.
function recordsOf(entries: ZoneEntry[]): { pairs: Array<[string, string]>; timeout: boolean } {
  const pairs: Array<[string, string]> = []
  let timeout = false
  const hasTxt = entries.some((e) => typeof e === 'object' && 'TXT' in e)
  for (const entry of entries) {
    if (entry === 'TIMEOUT') {
      timeout = true
      continue
    }
    if (typeof entry !== 'object') continue
    for (let [type, value] of Object.entries(entry)) {
      if (type === 'SPF') {
        if (hasTxt) continue
        type = 'TXT'
      }
      if (value === 'NONE') continue
      const text =
        type === 'MX'
          ? // An empty exchange is the null MX (RFC 7505), written "." in a zone.
            `${(value as [number, string])[0]} ${(value as [number, string])[1] || '.'}`
          : Array.isArray(value)
            ? value.join('')
            : String(value)
      pairs.push([type, text])
    }
  }
  return { pairs, timeout }
}

// Mode 1: a resolver function written straight from the suite's zone data.
function suiteResolver(zonedata: Record<string, ZoneEntry[]>): DnsResolver {
  const zone = new Map(
    Object.entries(zonedata).map(([name, entries]) => [name.toLowerCase(), recordsOf(entries)]),
  )
  const fail = (code: string) => Object.assign(new Error(code), { code })
  const resolve = async (name: string, rrtype: string, hops = 0): Promise<unknown> => {
    const entry = zone.get(name.toLowerCase().replace(/\.$/, ''))
    if (!entry) throw fail('ENOTFOUND')
    const values = entry.pairs.filter(([type]) => type === rrtype).map(([, v]) => v)
    if (values.length === 0) {
      const cname = entry.pairs.find(([type]) => type === 'CNAME')
      if (cname && hops < 8) return resolve(cname[1], rrtype, hops + 1)
      throw fail(entry.timeout ? 'ETIMEOUT' : 'ENODATA')
    }
    if (rrtype === 'TXT') return values.map((v) => v.match(/.{1,255}/gs) ?? [''])
    if (rrtype === 'MX') {
      return values.map((v) => ({ priority: Number(v.split(' ')[0]), exchange: v.split(' ')[1] }))
    }
    return values
  }
  return (name, rrtype) => resolve(name, rrtype.toUpperCase())
}

// Mode 2: the same data through Mailwright's zone format, as JSON records and as a BIND zone file.
function suiteRecords(zonedata: Record<string, ZoneEntry[]>): DnsRecords {
  const records: DnsRecords = {}
  for (const [name, entries] of Object.entries(zonedata)) {
    const { pairs, timeout } = recordsOf(entries)
    const set: DnsRecords[string] = {}
    for (const [type, value] of pairs) {
      const key = type as 'TXT'
      const list = (set[key] as string[] | undefined) ?? []
      list.push(value)
      set[key] = list
    }
    if (timeout) set.error = 'TIMEOUT'
    records[name.toLowerCase()] = set
  }
  return records
}

function zoneFileOf(records: DnsRecords): string {
  // Anything outside printable ASCII, and the quote and backslash, as RFC 1035 \DDD escapes.
  const quote = (v: string) =>
    `"${v.replace(/[^\x20-\x7e]|["\\]/g, (c) => `\\${String(c.charCodeAt(0)).padStart(3, '0')}`)}"`
  const owner = (name: string) =>
    name.replace(/[^\w.*-]/g, (c) => `\\${String(c.charCodeAt(0)).padStart(3, '0')}`)
  const lines: string[] = []
  for (const [name, set] of Object.entries(records)) {
    for (const [type, values] of Object.entries(set)) {
      if (type === 'error') lines.push(`${owner(name)}. ERROR ${values}`)
      else
        for (const v of values as string[]) {
          lines.push(
            `${owner(name)}. IN ${type} ${type === 'TXT' ? quote(v) : /^(CNAME|PTR|MX)$/.test(type) && !v.endsWith('.') ? `${v}.` : v}`,
          )
        }
    }
  }
  return lines.join('\n')
}

const suite = haveSuite ? readSuite() : []
const cases = suite.flatMap((doc) => Object.entries(doc.tests).map(([name, test]) => ({ name, test, doc })))

async function judge(test: SuiteTest, dns: DnsResolver) {
  const verdict = await checkSpf({
    ip: test.host,
    helo: test.helo,
    mailFrom: test.mailfrom,
    dns,
    mta: 'mx.test',
  })
  const accepted = ([] as string[]).concat(test.result)
  // "DEFAULT" is the suite's word for the receiver's own text: no exp= explanation was used. The hex
  // digits of an IPv6 %{i} are compared without case (RFC 7208 7.3 does not fix their case).
  const explained =
    test.explanation === undefined ||
    (test.explanation === 'DEFAULT'
      ? verdict.explanation === undefined
      : verdict.explanation?.toLowerCase() === test.explanation.toLowerCase())
  const ok = accepted.includes(verdict.result) && explained
  return { ok, verdict, accepted }
}

describeWith({
  available: haveSuite,
  missing: `the OpenSPF RFC 7208 suite is not at ${suitePath ?? '(no path)'}`,
  install: 'set MAILWRIGHT_SPF_SUITE to rfc7208-tests.yml (from the OpenSPF test suite)',
})('the OpenSPF RFC 7208 test suite', () => {
  it('is present (CI reads it from the workplace corpora)', () => {
    expect(
      haveSuite,
      `the OpenSPF suite was not found (${suitePath ?? 'no corpora/spf/ beside the checkout'}); set MAILWRIGHT_SPF_SUITE`,
    ).toBe(true)
    expect(cases).toHaveLength(203)
  })

  for (const mode of ['a resolver function', 'zone records (JSON)', 'a zone file (BIND)'] as const) {
    it(`passes every test through ${mode}`, async () => {
      const failures: string[] = []
      for (const { name, test, doc } of cases) {
        const zonedata = doc.zonedata ?? {}
        const dns =
          mode === 'a resolver function'
            ? suiteResolver(zonedata)
            : mode === 'zone records (JSON)'
              ? zoneResolver(suiteRecords(zonedata))
              : zoneResolver(parseZoneFile(zoneFileOf(suiteRecords(zonedata)), name))
        const { ok, verdict, accepted } = await judge(test, dns)
        if (!ok) {
          failures.push(
            `${name} (RFC 7208 ${test.spec}): expected ${accepted.join('|')}${test.explanation ? ` with exp "${test.explanation}"` : ''}, got ${verdict.result}${verdict.explanation ? ` with exp "${verdict.explanation}"` : ''} (${verdict.comment})`,
          )
        }
      }
      expect(failures).toEqual([])
    })
  }
})

import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { MailwrightError } from '../mailwright-error.js'
import {
  DNS_FAILURES,
  DNS_RECORD_TYPES,
  type DnsFailure,
  type DnsRecordSet,
  type DnsRecords,
  type DnsRecordType,
} from './dns-resolver.js'

const TYPES = new Set<string>(DNS_RECORD_TYPES)
const FAILURES = new Set<string>(DNS_FAILURES)
const TYPE_LIST = 'TXT, A, AAAA, MX, CNAME, PTR or ERROR'

/**
 * Reads DNS records for an offline zone: a `.json` file in the {@link DnsRecords} shape, or a BIND zone
 * file (`$ORIGIN`, `$TTL`, `@`, relative names, class and TTL columns, TXT split into quoted strings,
 * parentheses across lines, `;` comments) with TXT, A, AAAA, MX, CNAME and PTR records (an exported zone's SOA
 * and NS records are read past). To describe DNS
 * that fails, a zone file may also hold Mailwright's `ERROR` pseudo-record:
 * `slow.example.com. ERROR TIMEOUT` fails every type the name has no records for, and
 * `example.com. ERROR SERVFAIL TXT` fails only TXT (`NXDOMAIN`, `SERVFAIL` or `TIMEOUT`). A malformed
 * line or value is an error naming the file, the line (or JSON key) and the value.
 *
 * @example
 * const dns = zoneResolver(loadDnsZone('./dns.zone'))
 */
export function loadDnsZone(path: string): DnsRecords {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new MailwrightError(
      'DNS_ZONE',
      `Cannot read the DNS zone ${path}: ${(error as Error).message}. Give a .json records file or a BIND zone file.`,
    )
  }
  if (path.endsWith('.json')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new MailwrightError(
        'DNS_ZONE',
        `The DNS zone ${path} is not valid JSON (${(error as Error).message}). Expected { "name": { "TXT": ["…"] } }.`,
      )
    }
    return checkDnsRecords(parsed, path)
  }
  return parseZoneFile(text, path)
}

/**
 * Checks that a value is {@link DnsRecords}, naming the first key and value that is not: the JSON form of
 * an offline zone, or records given in code.
 *
 * @example
 * const records = checkDnsRecords(JSON.parse(text), 'dns.json')
 */
export function checkDnsRecords(value: unknown, where = 'DNS records'): DnsRecords {
  const fail = (key: string, got: unknown, expected: string): never => {
    throw new MailwrightError(
      'DNS_ZONE',
      `${where}: ${key} is ${JSON.stringify(got)?.slice(0, 120)}; expected ${expected}.`,
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('the top level', value, 'an object of names, e.g. { "example.com": { "TXT": ["v=spf1 -all"] } }')
  }
  for (const [name, set] of Object.entries(value as Record<string, unknown>)) {
    if (typeof set !== 'object' || set === null || Array.isArray(set)) {
      fail(JSON.stringify(name), set, 'an object of record types, e.g. { "TXT": ["v=spf1 -all"] }')
    }
    for (const [type, values] of Object.entries(set as Record<string, unknown>)) {
      const key = `${JSON.stringify(name)}.${type}`
      if (type === 'error') {
        if (!FAILURES.has(values as string)) fail(key, values, 'NXDOMAIN, SERVFAIL or TIMEOUT')
        continue
      }
      if (!TYPES.has(type))
        fail(JSON.stringify(name), type, `a record type: ${TYPE_LIST.replace(' or ERROR', ' or error')}`)
      if (typeof values === 'string') {
        if (!FAILURES.has(values)) fail(key, values, 'a list of values, or NXDOMAIN, SERVFAIL or TIMEOUT')
        continue
      }
      if (!Array.isArray(values)) fail(key, values, 'a list of values')
      for (const v of values as unknown[]) {
        const problem =
          typeof v === 'string'
            ? valueProblem(type as DnsRecordType, v)
            : `a string, ${EXAMPLES[type as DnsRecordType]} (records are written as in a zone file)`
        if (problem) fail(key, v, problem)
      }
    }
  }
  return value as DnsRecords
}

const EXAMPLES: Record<DnsRecordType, string> = {
  TXT: 'e.g. "v=spf1 -all"',
  A: 'e.g. "203.0.113.10"',
  AAAA: 'e.g. "2001:db8::10"',
  MX: 'e.g. "10 mail.example.com"',
  CNAME: 'e.g. "mail.example.com"',
  PTR: 'e.g. "mail.example.com"',
}

// What is wrong with one record value, in the words of the expected form; undefined when it is fine.
function valueProblem(type: DnsRecordType, value: string): string | undefined {
  if (type === 'A' && isIP(value) !== 4) return 'an IPv4 address, e.g. 203.0.113.10'
  if (type === 'AAAA' && isIP(value) !== 6) return 'an IPv6 address, e.g. 2001:db8::10'
  if (type === 'MX' && !/^\d{1,5}\s+\S+$/.test(value.trim()))
    return 'a preference and a host, e.g. "10 mail.example.com"'
  if ((type === 'CNAME' || type === 'PTR') && !/^[^\s]+$/.test(value))
    return 'one host name, e.g. mail.example.com'
  return undefined
}

/** Parses BIND zone file text into records (see {@link loadDnsZone}). */
export function parseZoneFile(text: string, where = 'zone file'): DnsRecords {
  const records: DnsRecords = {}
  let origin = ''
  let last = ''
  for (const [lineNumber, line] of logicalLines(text)) {
    const directive = /^\$(ORIGIN|TTL)\s+(\S+)/i.exec(line)
    if (directive) {
      if ((directive[1] as string).toUpperCase() === 'ORIGIN')
        origin = (directive[2] as string).replace(/\.$/, '')
      continue
    }
    const tokens = tokenize(line)
    if (tokens.length === 0) continue
    let name: string
    if (/^\s/.test(line)) name = last
    else {
      const owner = tokens.shift() as string
      name =
        owner === '@'
          ? origin
          : owner.endsWith('.')
            ? owner.slice(0, -1)
            : origin
              ? `${owner}.${origin}`
              : owner
    }
    last = name
    while (
      tokens.length > 0 &&
      (/^\d+$/.test(tokens[0] as string) || /^(IN|CH|HS)$/i.test(tokens[0] as string))
    )
      tokens.shift()
    const type = (tokens.shift() ?? '').toUpperCase()
    const key = name.toLowerCase()
    const entry: DnsRecordSet = records[key] ?? {}
    records[key] = entry
    const bad = (what: string): never => {
      throw new MailwrightError('DNS_ZONE', `${where} line ${lineNumber}: ${what}`)
    }
    if (type === 'ERROR') {
      const [failure = '', only, ...extra] = tokens.map((t) => t.toUpperCase())
      if (!FAILURES.has(failure) || extra.length > 0 || (only !== undefined && !TYPES.has(only))) {
        bad(
          `${JSON.stringify(tokens.join(' '))} is not an ERROR record; write ERROR NXDOMAIN|SERVFAIL|TIMEOUT [type], e.g. "slow.example.com. ERROR TIMEOUT".`,
        )
      }
      if (only) entry[only as DnsRecordType] = failure as DnsFailure
      else entry.error = failure as DnsFailure
      continue
    }
    // Every exported zone starts with its SOA and NS records; mail authentication never asks for them.
    if (type === 'SOA' || type === 'NS') continue
    if (!TYPES.has(type)) {
      bad(`record type ${JSON.stringify(type)} is not supported here; use ${TYPE_LIST}.`)
    }
    const recordType = type as DnsRecordType
    const written = recordType === 'TXT' ? tokens.join('') : tokens.join(' ')
    const value = ['CNAME', 'MX', 'PTR'].includes(recordType) ? qualify(written, origin) : written
    const problem = valueProblem(recordType, value)
    if (problem) bad(`${recordType} ${JSON.stringify(written)} is not ${problem}.`)
    const existing = entry[recordType]
    const list = Array.isArray(existing) ? existing : []
    entry[recordType] = list
    list.push(value)
  }
  return records
}

function qualify(value: string, origin: string): string {
  const parts = value.split(/\s+/)
  const host = parts[parts.length - 1] as string
  const full =
    host === '.' ? host : host.endsWith('.') ? host.slice(0, -1) : origin ? `${host}.${origin}` : host
  parts[parts.length - 1] = full
  return parts.join(' ')
}

// Joins parenthesised records into one line and drops comments, keeping quoted strings intact.
function* logicalLines(text: string): Generator<[number, string]> {
  let buffer = ''
  let depth = 0
  let start = 1
  const lines = text.split(/\r?\n/)
  for (let n = 0; n < lines.length; n++) {
    let out = ''
    let quoted = false
    for (const c of lines[n] as string) {
      if (c === '"') quoted = !quoted
      if (!quoted && c === ';') break
      if (!quoted && c === '(') {
        depth += 1
        continue
      }
      if (!quoted && c === ')') {
        depth -= 1
        continue
      }
      out += c
    }
    if (buffer === '') start = n + 1
    buffer += buffer ? ` ${out.trim()}` : out.trimEnd()
    if (depth <= 0) {
      if (buffer.trim()) yield [start, buffer]
      buffer = ''
      depth = 0
    }
  }
  if (buffer.trim()) yield [start, buffer]
}

function tokenize(line: string): string[] {
  const tokens: string[] = []
  // RFC 1035 5.1: in names and quoted strings alike, \DDD is the octet with that decimal value and \X is X.
  const unescapeText = (text: string) =>
    text.replace(/\\(\d{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(Number(e)) : e))
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|((?:[^\s\\]|\\.)+)/g)) {
    tokens.push(unescapeText(match[1] ?? (match[2] as string)))
  }
  return tokens
}

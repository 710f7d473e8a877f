import { readFileSync } from 'node:fs'
import { MailwrightError } from '../mailwright-error.js'
import type { DnsRecords } from './dns-resolver.js'

type RecordType = 'TXT' | 'A' | 'AAAA' | 'MX' | 'CNAME'
const TYPES = new Set<RecordType>(['TXT', 'A', 'AAAA', 'MX', 'CNAME'])

/**
 * Reads DNS records for an offline zone: a `.json` file in the {@link DnsRecords} shape, or a BIND zone
 * file (`$ORIGIN`, `$TTL`, `@`, relative names, class and TTL columns, TXT split into quoted strings,
 * parentheses across lines, `;` comments) with TXT, A, AAAA, MX and CNAME records.
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
    try {
      return JSON.parse(text) as DnsRecords
    } catch (error) {
      throw new MailwrightError(
        'DNS_ZONE',
        `The DNS zone ${path} is not valid JSON (${(error as Error).message}). Expected { "name": { "TXT": ["…"] } }.`,
      )
    }
  }
  return parseZoneFile(text, path)
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
    const type = (tokens.shift() ?? '').toUpperCase() as RecordType
    if (!TYPES.has(type)) {
      throw new MailwrightError(
        'DNS_ZONE',
        `${where} line ${lineNumber}: record type ${JSON.stringify(type)} is not supported here; use TXT, A, AAAA, MX or CNAME.`,
      )
    }
    const value = type === 'TXT' ? tokens.join('') : tokens.join(' ')
    const key = name.toLowerCase()
    const entry = records[key] ?? {}
    records[key] = entry
    const list = entry[type] ?? []
    entry[type] = list
    list.push(type === 'CNAME' || type === 'MX' ? qualify(value, origin) : value)
  }
  return records
}

function qualify(value: string, origin: string): string {
  const parts = value.split(/\s+/)
  const host = parts[parts.length - 1] as string
  const full = host.endsWith('.') ? host.slice(0, -1) : origin ? `${host}.${origin}` : host
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
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (const match of line.matchAll(pattern)) {
    tokens.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] as string))
  }
  return tokens
}

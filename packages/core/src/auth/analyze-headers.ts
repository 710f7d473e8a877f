import type { EmailHeader } from '../captured-email.js'
import { addressesOf, headerValue, parseHeaders } from '../parse-headers.js'
import { type AuthenticationResults, parseAuthenticationResults } from './parse-authentication-results.js'

/** One Received hop, oldest first. */
export interface ReceivedHop {
  from?: string
  by?: string
  with?: string
  /** TLS as the hop recorded it: `ESMTPS`, `version=TLS1_2 cipher=…`, or undefined when none is visible. */
  tls?: string
  timestamp?: string
  /** Seconds since the previous hop (negative means clocks disagree). */
  delaySeconds?: number
}

/** An identity of the sender and whether it aligns with the From domain. */
export interface SenderIdentity {
  kind: 'From' | 'Sender' | 'Return-Path' | 'DKIM d=' | 'SPF domain'
  value: string
  aligned: boolean
}

/** What {@link analyzeHeaders} found. */
export interface HeaderAnalysis {
  hops: ReceivedHop[]
  authenticationResults: Array<
    AuthenticationResults & { header: 'Authentication-Results' | 'ARC-Authentication-Results' }
  >
  identities: SenderIdentity[]
  /** From, Date and Message-ID problems, empty when all are sane. */
  problems: string[]
}

/**
 * Reads an email's headers the way a deliverability engineer would: the Received chain as hops with
 * timestamps, delays and TLS; every Authentication-Results; the sender's identities side by side with
 * their alignment to the From domain; and Date/Message-ID sanity.
 *
 * @example
 * const analysis = analyzeHeaders(readFileSync('bounce.eml'))
 * analysis.hops.map((h) => `${h.by} +${h.delaySeconds}s`)
 */
export function analyzeHeaders(input: Buffer | readonly EmailHeader[], now = new Date()): HeaderAnalysis {
  const headers = Buffer.isBuffer(input) ? parseHeaders(input).headers : input
  const of = (name: string) => headers.filter((h) => h.name.toLowerCase() === name)
  const hops = of('received')
    .map((h) => parseReceived(h.value))
    .reverse()
  let previous: number | undefined
  for (const hop of hops) {
    const time = hop.timestamp ? Date.parse(hop.timestamp) : Number.NaN
    if (!Number.isNaN(time)) {
      if (previous !== undefined) hop.delaySeconds = Math.round((time - previous) / 1000)
      previous = time
    }
  }
  const authenticationResults = [
    ...of('authentication-results').map((h) => ({
      header: 'Authentication-Results' as const,
      ...parseAuthenticationResults(h.value),
    })),
    ...of('arc-authentication-results').map((h) => ({
      header: 'ARC-Authentication-Results' as const,
      ...parseAuthenticationResults(h.value),
    })),
  ]
  const fromDomain = domainOf(addressesOf(headers, 'from')[0]?.address)
  const identity = (kind: SenderIdentity['kind'], value: string | undefined): SenderIdentity[] => {
    if (!value) return []
    const domain = domainOf(value)
    return [
      {
        kind,
        value,
        aligned: Boolean(
          domain &&
            fromDomain &&
            (domain === fromDomain || domain.endsWith(`.${fromDomain}`) || fromDomain.endsWith(`.${domain}`)),
        ),
      },
    ]
  }
  const spfDomain = authenticationResults.flatMap((a) => a.results).find((r) => r.method === 'spf')?.props[
    'smtp.mailfrom'
  ]
  const identities = [
    ...identity('From', addressesOf(headers, 'from')[0]?.address),
    ...identity('Sender', addressesOf(headers, 'sender')[0]?.address),
    ...identity('Return-Path', headerValue(headers, 'return-path')?.replace(/[<>\s]/g, '') || undefined),
    ...of('dkim-signature').flatMap((h) =>
      identity('DKIM d=', /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(h.value)?.[1]),
    ),
    ...identity('SPF domain', spfDomain),
  ]
  const problems: string[] = []
  const date = headerValue(headers, 'date')
  if (!date) problems.push('no Date header (RFC 5322 requires one)')
  else if (Number.isNaN(Date.parse(date))) problems.push(`Date ${JSON.stringify(date)} is not a valid date`)
  else if (Date.parse(date) - now.getTime() > 15 * 60 * 1000) problems.push(`Date ${date} is in the future`)
  const froms = of('from')
  if (froms.length === 0) problems.push('no From header (RFC 5322 requires one)')
  else if (froms.length > 1)
    problems.push(
      `${froms.length} From headers (there must be one; DMARC cannot choose whose domain to check, and receivers reject such mail)`,
    )
  const messageIds = of('message-id')
  if (messageIds.length === 0) problems.push('no Message-ID header')
  else if (messageIds.length > 1) problems.push(`${messageIds.length} Message-ID headers (there must be one)`)
  else if (!/^<[^<>@\s]+@[^<>@\s]+>$/.test(messageIds[0]?.value ?? ''))
    problems.push(`Message-ID ${JSON.stringify(messageIds[0]?.value)} is not <id@domain>`)
  return { hops, authenticationResults, identities, problems }
}

function parseReceived(value: string): ReceivedHop {
  const [clauses = '', timestamp] = splitTimestamp(value.replace(/\s+/g, ' '))
  const word = (key: string) => new RegExp(`\\b${key}\\s+(\\S+)`, 'i').exec(clauses)?.[1]?.replace(/;$/, '')
  const hop: ReceivedHop = {
    from: word('from'),
    by: word('by'),
    with: word('with'),
    timestamp: timestamp?.trim(),
  }
  const tlsDetail = /\((?=[^)]*version=)([^)]*)\)/i.exec(clauses)?.[1]
  if (tlsDetail) hop.tls = tlsDetail.trim()
  else if (hop.with && /^(ESMTPS|ESMTPSA|UTF8SMTPS)/i.test(hop.with)) hop.tls = hop.with
  return hop
}

// The date is after the last ';' (RFC 5321 4.4), but comments may contain ';' too.
function splitTimestamp(value: string): [string, string | undefined] {
  const at = value.lastIndexOf(';')
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)]
}

function domainOf(value: string | undefined): string | undefined {
  return value?.split('@').pop()?.toLowerCase().replace(/[>\s]/g, '') || undefined
}

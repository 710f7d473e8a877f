import type { EmailAddress, EmailSummary } from './captured-email.js'
import { InvalidArgumentError } from './invalid-argument-error.js'

/** A string matches when the value contains it, ignoring case; a RegExp when it tests true. */
export type TextMatcher = string | RegExp

/**
 * Which emails a wait or a listing wants. Every field given must match; an empty query matches every
 * email. Serialisable (RegExp included) with {@link serializeQuery}, so it crosses the HTTP API unchanged.
 *
 * @example
 * await inbox.waitForEmail({ subject: /verify/i, from: 'no-reply@example.com' })
 * await inbox.emails({ header: { 'List-Unsubscribe': /^<https:/ }, since: startedAt })
 */
export interface EmailQuery {
  /** Envelope RCPT TO, To, Cc or Bcc (address or display name). */
  to?: TextMatcher
  /** From (address or display name) or the envelope MAIL FROM. */
  from?: TextMatcher
  subject?: TextMatcher
  /** The text body (derived from the HTML when the email has no text part). */
  text?: TextMatcher
  /** The HTML body source. */
  html?: TextMatcher
  /** Header name (case-insensitive) → matcher over any of that header's values. */
  header?: Record<string, TextMatcher>
  /** Only emails received at or after this instant. */
  since?: Date | string | number
}

/** {@link EmailQuery} as JSON: a RegExp becomes `{ regex, flags }`, `since` an ISO string. */
export type SerializedTextMatcher = string | { regex: string; flags: string }
export interface SerializedEmailQuery {
  to?: SerializedTextMatcher
  from?: SerializedTextMatcher
  subject?: SerializedTextMatcher
  text?: SerializedTextMatcher
  html?: SerializedTextMatcher
  header?: Record<string, SerializedTextMatcher>
  since?: string
}

const TEXT_FIELDS = ['to', 'from', 'subject', 'text', 'html'] as const
const KNOWN_FIELDS = [...TEXT_FIELDS, 'header', 'since']

/** The email facts a query looks at: the summary, plus the bodies when the query needs them. */
export type QueryTarget = EmailSummary & { text?: string; html?: string }

/**
 * Checks a query given by a user (or decoded from JSON) and returns it typed. Unknown fields and wrong
 * types are errors that name the field, so a typo never silently matches everything.
 *
 * @example
 * validateQuery({ subjct: 'Hi' }) // throws: Invalid query.subjct … Known fields: to, from, subject, …
 */
export function validateQuery(query: unknown, name = 'query'): EmailQuery {
  if (query === undefined || query === null) return {}
  if (typeof query !== 'object' || Array.isArray(query) || query instanceof RegExp) {
    throw new InvalidArgumentError(name, query, `an object such as { subject: /Verify/ }`)
  }
  const input = query as Record<string, unknown>
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.includes(key)) {
      throw new InvalidArgumentError(
        `${name}.${key}`,
        input[key],
        `one of the known fields: ${KNOWN_FIELDS.join(', ')}`,
      )
    }
  }
  const result: EmailQuery = {}
  for (const field of TEXT_FIELDS) {
    if (input[field] !== undefined) result[field] = toMatcher(input[field], `${name}.${field}`)
  }
  if (input.header !== undefined) {
    if (typeof input.header !== 'object' || input.header === null || Array.isArray(input.header)) {
      throw new InvalidArgumentError(
        `${name}.header`,
        input.header,
        `an object of header name → string or RegExp`,
      )
    }
    result.header = {}
    for (const [header, matcher] of Object.entries(input.header)) {
      result.header[header] = toMatcher(matcher, `${name}.header[${JSON.stringify(header)}]`)
    }
  }
  if (input.since !== undefined) {
    const since = input.since
    const date =
      since instanceof Date
        ? since
        : typeof since === 'string' || typeof since === 'number'
          ? new Date(since)
          : undefined
    if (!date || Number.isNaN(date.getTime())) {
      throw new InvalidArgumentError(
        `${name}.since`,
        since,
        'a Date, an ISO 8601 string or epoch milliseconds',
      )
    }
    result.since = date
  }
  return result
}

/**
 * Turns a query into JSON-safe data (RegExp → `{ regex, flags }`).
 *
 * @example
 * JSON.stringify(serializeQuery({ subject: /verify/i })) // {"subject":{"regex":"verify","flags":"i"}}
 */
export function serializeQuery(query: EmailQuery): SerializedEmailQuery {
  const out: SerializedEmailQuery = {}
  for (const field of TEXT_FIELDS) {
    const matcher = query[field]
    if (matcher !== undefined) out[field] = serializeMatcher(matcher)
  }
  if (query.header) {
    out.header = Object.fromEntries(Object.entries(query.header).map(([k, v]) => [k, serializeMatcher(v)]))
  }
  if (query.since !== undefined) out.since = new Date(query.since).toISOString()
  return out
}

/** Whether matching needs the parsed bodies, not only the headers. */
export function queryNeedsBody(query: EmailQuery): boolean {
  return query.text !== undefined || query.html !== undefined
}

/** One field of a query checked against an email's values (see {@link queryChecks}). */
export interface QueryCheck {
  /** `subject`, `to`, `header List-Unsubscribe`, … */
  field: string
  matcher: TextMatcher
  /** The email's values for the field; the check passes when any of them matches. */
  values: string[]
  /** The values as a failure message shows them (computed only then: a body may be megabytes). */
  shown(): string
}

/**
 * What matching a query against an email takes: the text checks (a string matcher is a case-insensitive
 * "contains", a RegExp a test, run wherever the caller can afford it) and the reasons that need no matching
 * (`since`). {@link explainMismatch} runs them here; the capture server runs patterns off its event loop.
 *
 * @example
 * const { checks, reasons } = queryChecks({ subject: /Verify/ }, email)
 */
export function queryChecks(
  query: EmailQuery,
  email: QueryTarget,
  ignore: ReadonlyArray<keyof EmailQuery> = [],
): { checks: QueryCheck[]; reasons: string[] } {
  const checks: QueryCheck[] = []
  const reasons: string[] = []
  const check = (field: string, matcher: TextMatcher | undefined, values: string[], shown: () => string) => {
    if (matcher !== undefined) checks.push({ field, matcher, values, shown })
  }
  if (!ignore.includes('to') && query.to !== undefined) {
    const addresses = [...email.to, ...email.cc, ...email.bcc]
    const values = [...email.envelope.rcptTo, ...addresses.flatMap(addressForms)]
    const shown = () =>
      `[${unique([...email.envelope.rcptTo, ...addresses.map((a) => a.address)]).join(', ') || '(none)'}]`
    check('to', query.to, values, shown)
  }
  if (!ignore.includes('from') && query.from !== undefined) {
    const values = [email.envelope.mailFrom, ...(email.from ? addressForms(email.from) : [])]
    const from = email.from
    check('from', query.from, values, () => (from ? formatAddress(from) : `<${email.envelope.mailFrom}>`))
  }
  if (!ignore.includes('subject'))
    check('subject', query.subject, [email.subject], () => JSON.stringify(email.subject))
  if (!ignore.includes('text') && query.text !== undefined) {
    check('text', query.text, [email.text ?? ''], () => excerpt(email.text))
  }
  if (!ignore.includes('html') && query.html !== undefined) {
    check('html', query.html, [email.html ?? ''], () => excerpt(email.html))
  }
  if (!ignore.includes('header') && query.header) {
    for (const [name, matcher] of Object.entries(query.header)) {
      const key = name.toLowerCase()
      const values = email.headers.filter((h) => h.name.toLowerCase() === key).map((h) => h.value)
      check(`header ${name}`, matcher, values, () =>
        values.length ? values.map((v) => JSON.stringify(v)).join(', ') : '(absent)',
      )
    }
  }
  if (!ignore.includes('since') && query.since !== undefined) {
    const since = new Date(query.since)
    if (email.receivedAt < since) {
      reasons.push(`received at ${email.receivedAt.toISOString()}, before since ${since.toISOString()}`)
    }
  }
  return { checks, reasons }
}

/** The failure line of a check that did not pass: `subject "Welcome" does not match /Verify/`. */
export function failedCheck(check: QueryCheck): string {
  const verb = typeof check.matcher === 'string' ? 'contain' : 'match'
  return `${check.field} ${check.shown()} does not ${verb} ${showMatcher(check.matcher)}`
}

/** Whether a string matcher is contained in the value, ignoring case (a pattern is tested as is). */
export function matchText(matcher: TextMatcher, value: string): boolean {
  if (typeof matcher === 'string') return value.toLowerCase().includes(matcher.toLowerCase())
  matcher.lastIndex = 0
  return matcher.test(value)
}

/**
 * Why an email does not match a query: one line per failing field, none when it matches.
 * `ignore` leaves fields out (near misses for other addresses ignore `to`).
 *
 * @example
 * explainMismatch({ subject: /Verify/ }, email) // ['subject "Welcome" does not match /Verify/']
 */
export function explainMismatch(
  query: EmailQuery,
  email: QueryTarget,
  ignore: ReadonlyArray<keyof EmailQuery> = [],
): string[] {
  const { checks, reasons } = queryChecks(query, email, ignore)
  const failed = checks.filter((c) => !c.values.some((v) => matchText(c.matcher, v))).map(failedCheck)
  // The order of the fields as the query lists them, then `since`.
  return [...failed, ...reasons]
}

/**
 * A compact rendering of a query for messages and report steps: `{ subject: /Verify/, to: "a@x" }`.
 *
 * @example
 * describeQuery({ subject: /Verify/ }) // '{ subject: /Verify/ }'
 */
export function describeQuery(query: EmailQuery): string {
  const parts: string[] = []
  for (const field of TEXT_FIELDS) {
    const matcher = query[field]
    if (matcher !== undefined) parts.push(`${field}: ${showMatcher(matcher)}`)
  }
  if (query.header) {
    for (const [name, matcher] of Object.entries(query.header))
      parts.push(`header ${name}: ${showMatcher(matcher)}`)
  }
  if (query.since !== undefined) parts.push(`since: ${new Date(query.since).toISOString()}`)
  return parts.length ? `{ ${parts.join(', ')} }` : '{}'
}

function toMatcher(value: unknown, name: string): TextMatcher {
  if (typeof value === 'string' || value instanceof RegExp) return value
  if (value && typeof value === 'object' && typeof (value as { regex?: unknown }).regex === 'string') {
    const { regex, flags } = value as { regex: string; flags?: unknown }
    try {
      return new RegExp(regex, typeof flags === 'string' ? flags : '')
    } catch (error) {
      throw new InvalidArgumentError(name, value, `a valid regular expression (${(error as Error).message})`)
    }
  }
  throw new InvalidArgumentError(name, value, 'a string (contains, ignoring case) or a RegExp')
}

function serializeMatcher(matcher: TextMatcher): SerializedTextMatcher {
  return typeof matcher === 'string' ? matcher : { regex: matcher.source, flags: matcher.flags }
}

function addressForms(a: EmailAddress): string[] {
  return a.name ? [a.address, a.name, `${a.name} <${a.address}>`] : [a.address]
}

function formatAddress(a: EmailAddress): string {
  return a.name ? `"${a.name}" <${a.address}>` : a.address
}

function showMatcher(matcher: TextMatcher): string {
  return typeof matcher === 'string' ? JSON.stringify(matcher) : String(matcher)
}

function excerpt(value: string | undefined): string {
  if (value === undefined) return '(none)'
  // Only the start is shown, so only the start is flattened.
  const flat = value.slice(0, 400).replace(/\s+/g, ' ').trim()
  const cut = flat.length > 60 || /\S/.test(value.slice(400))
  return JSON.stringify(cut ? `${flat.slice(0, 57)}...` : flat)
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.toLowerCase()))]
}

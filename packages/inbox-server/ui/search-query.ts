// The search box speaks EmailQuery: `from:` `to:` `subject:` `text:` `html:` `header:Name=value` `since:`,
// each a word, a "quoted phrase" (contains, ignoring case) or a /regex/flags; bare words search the
// subject. The result is the JSON the HTTP API's `query` parameter takes.

/** One field's match: contains (ignoring case), or a regular expression. */
export type SearchValue = string | { regex: string; flags?: string }

/** A parsed search: the EmailQuery JSON, or why the text is not one. */
export type ParsedSearch = { query: Record<string, unknown> } | { error: string }

const FIELDS = ['from', 'to', 'subject', 'text', 'html', 'header', 'since'] as const
const HELP = 'from:, to:, subject:, text:, html:, header:Name=value or since: (e.g. since:10m)'

/**
 * Parses the search box's text into an EmailQuery.
 *
 * @example
 * parseSearch('from:no-reply@example.com subject:/^verify/i since:1h')
 * // { query: { from: 'no-reply@example.com', subject: { regex: '^verify', flags: 'i' }, since: '2026-…' } }
 */
export function parseSearch(input: string, now: number = Date.now()): ParsedSearch {
  const query: Record<string, unknown> = {}
  const words: string[] = []
  const headers: Record<string, SearchValue> = {}
  let rest = input.trim()
  while (rest.length > 0) {
    // A word and a colon with nothing after it (`Re: hi`) or `//` (a URL) is a word; `fromm:alice` is a
    // field spelt wrong, and says so rather than search the subject for it.
    const prefix = /^([A-Za-z]+):/.exec(rest)
    const known =
      prefix !== null && (FIELDS as readonly string[]).includes((prefix[1] as string).toLowerCase())
    if (prefix && !known && /^[A-Za-z]+:(?=\S)(?!\/\/)/.test(rest)) {
      return {
        error: `Unknown search field "${prefix[1]}:". Use ${HELP}, or quote the words: "${prefix[1]}:…".`,
      }
    }
    const field = known ? prefix : null
    const key = field ? (field[1] as string).toLowerCase() : undefined
    if (field) rest = rest.slice(field[0].length)
    if (key === 'header') {
      const name = /^([A-Za-z0-9_-]+)=/.exec(rest)
      if (!name)
        return {
          error: 'header: needs a name and a value: header:X-Campaign=spring or header:List-Id="news"',
        }
      const taken = takeValue(rest.slice(name[0].length))
      if ('error' in taken) return { error: `header:${name[1]}= ${taken.error}` }
      if (taken.value === '') return { error: `header:${name[1]}= has no value.` }
      headers[name[1] as string] = taken.value
      rest = taken.rest.trimStart()
      continue
    }
    const taken = takeValue(rest)
    if ('error' in taken) return { error: `${key ? `${key}: ` : ''}${taken.error}` }
    rest = taken.rest.trimStart()
    const value = taken.value
    if (key === undefined) {
      if (typeof value !== 'string')
        return { error: `A /regex/ needs a field before it, e.g. subject:${taken.text}.` }
      words.push(value)
      continue
    }
    if (typeof value === 'string' && value === '')
      return { error: `${key}: has no value. Write ${key}:word, ${key}:"a phrase" or ${key}:/regex/i.` }
    if (key === 'since') {
      if (typeof value !== 'string')
        return { error: 'since: takes a date or an age (10m, 2h, 1d), not a regex.' }
      if ('since' in query) return { error: 'since: appears twice; give one date or age.' }
      const since = parseSince(value, now)
      if (since === undefined)
        return {
          error: `since:${value} is not a date or an age. Write since:10m, since:2h, since:1d or since:2026-11-29T10:00.`,
        }
      query.since = since
      continue
    }
    if (key in query)
      return { error: `${key}: appears twice; one value per field (a /regex/ can say "either").` }
    query[key] = value
  }
  if (Object.keys(headers).length > 0) query.header = headers
  if (words.length > 0) {
    if ('subject' in query)
      return {
        error: 'Words without a field search the subject, and subject: is given too. Put the words in it.',
      }
    // Every word, in any order (`verify email` finds "Verify your email"), ignoring case.
    query.subject =
      words.length === 1
        ? words[0]
        : { regex: `^${words.map((w) => `(?=[\\s\\S]*${escapeRegExp(w)})`).join('')}`, flags: 'i' }
  }
  return { query }
}

type Taken = { value: SearchValue; text: string; rest: string } | { error: string }

function takeValue(rest: string): Taken {
  if (rest.startsWith('"')) {
    const end = rest.indexOf('"', 1)
    if (end < 0) return { error: `the phrase ${rest} has no closing quote.` }
    return { value: rest.slice(1, end), text: rest.slice(0, end + 1), rest: rest.slice(end + 1) }
  }
  if (rest.startsWith('/')) {
    // The closing slash is the first unescaped one; flags follow it.
    let i = 1
    for (; i < rest.length; i++) {
      if (rest[i] === '\\') i++
      else if (rest[i] === '/') break
    }
    if (i >= rest.length) return { error: `the regex ${rest} has no closing /.` }
    const flags = /^[a-z]*/.exec(rest.slice(i + 1))?.[0] ?? ''
    const source = rest.slice(1, i)
    try {
      new RegExp(source, flags)
    } catch (error) {
      return { error: `/${source}/${flags} is not a regular expression: ${(error as Error).message}` }
    }
    const value = flags ? { regex: source, flags } : { regex: source }
    return { value, text: rest.slice(0, i + 1 + flags.length), rest: rest.slice(i + 1 + flags.length) }
  }
  const word = /^[^\s]*/.exec(rest)?.[0] ?? ''
  return { value: word, text: word, rest: rest.slice(word.length) }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function parseSince(value: string, now: number): string | undefined {
  const age = /^(\d+)(s|m|h|d)$/.exec(value)
  if (age) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd']
    return new Date(now - Number(age[1]) * unit).toISOString()
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined
  // A date alone is midnight here, as a date and time without a zone is (JavaScript reads it as UTC).
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00` : value)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

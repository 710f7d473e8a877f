import { request } from 'node:http'
import {
  type CapturedEmail,
  type CheckContext,
  CheckError,
  InvalidArgumentError,
  type SpamChecker,
  type SpamCheckOptions,
  type SpamCheckResult,
  type SpamSymbol,
  scaledTimeout,
} from '@mailwright/core'
import { errorDetail, spamFilterName } from '@mailwright/core/internal'
import { spamFilterUrl } from './spam-filter-url.js'
import { spamdRequest } from './spamd-request.js'
import { RSPAMD_OFFLINE_DISABLED } from './start-rspamd.js'
import { ENVELOPE_HEADER, SPAMASSASSIN_OFFLINE_DISABLED } from './start-spam-assassin.js'

// rspamd's stock actions (https://rspamd.com/doc/configuration/metrics.html): from 6 it adds a spam header,
// which is where receivers file it as spam; `required_score` in its answer is the reject score (15).
const RSPAMD_SPAM_SCORE = 6
// rspamd answers in milliseconds; a body bigger than this is refused by its default max_message (50 MB).
const MAX_ANSWER = 4 * 1024 * 1024

/**
 * Scores an email with a real spam filter, offline: rspamd (default) over its HTTP protocol, or SpamAssassin
 * over spamd's. Without `options.url` the filter is one Mailwright started for this run or process
 * (its global setup's, for this environment; else started now). The sending profile in `context`
 * is the connecting client the filter sees (IP, HELO, reverse DNS from the zone) and its DNS. A filter that
 * is missing, crashes, times out or answers nonsense gives a {@link CheckError} naming it.
 *
 * @example
 * const result = await checkSpam(email, { checker: 'rspamd' }, { sandbox: true, checks: {}, senderIp: '203.0.113.10' })
 * result.score // 1.2
 */
export async function checkSpam(
  email: CapturedEmail,
  options: SpamCheckOptions = {},
  context: CheckContext = { sandbox: true, checks: {} },
): Promise<SpamCheckResult> {
  const checker = options.checker ?? 'rspamd'
  if (checker !== 'rspamd' && checker !== 'spamassassin')
    throw new InvalidArgumentError('spam checker', checker, "'rspamd' or 'spamassassin'")
  if (options.timeout !== undefined && !(options.timeout > 0))
    throw new InvalidArgumentError('spam check timeout', options.timeout, 'a number of milliseconds above 0')
  const name = spamFilterName(checker)
  const url = await spamFilterUrl(checker, options.url, context)
  const timeout = options.timeout ?? scaledTimeout(30_000)
  const client = await connectingClient(context)
  try {
    return checker === 'rspamd'
      ? await askRspamd(url, email, client, timeout)
      : await askSpamd(url, email, client, timeout)
  } catch (error) {
    if (error instanceof CheckError) throw error
    const code = (error as { code?: string }).code
    throw new CheckError(
      name,
      code === 'ETIMEDOUT'
        ? `${name} did not answer within ${timeout} ms for ${email.describe()} (${url}). The filter is stuck or the machine is overloaded: raise checks.spam.timeout or MAILWRIGHT_TIME_SCALE.`
        : code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE'
          ? `${name} at ${url} is not answering (${code}) for ${email.describe()}: it crashed or was stopped. One a worker started for itself is started again on the next check; the run's (started by the global setup) lasts until the run ends, and one given by checks.spam.url must be restarted by whoever runs it.`
          : `${name} at ${url} could not check ${email.describe()}: ${errorDetail(error)}. Check that ${url} is ${name}'s address, or leave checks.spam.url out to let Mailwright start one.`,
      { cause: error },
    )
  }
}

/** The client a real receiver would have seen: the sending profile's IP, HELO and reverse DNS. */
interface ConnectingClient {
  ip?: string
  helo?: string
  hostname?: string
}

async function connectingClient(context: CheckContext): Promise<ConnectingClient> {
  if (!context.senderIp) return {}
  let hostname: string | undefined
  if (context.dns) {
    const reverse = reverseName(context.senderIp)
    const names = (await context.dns(reverse, 'PTR').catch(() => [])) as string[]
    hostname = names[0]
  }
  return {
    ip: context.senderIp,
    ...(context.helo ? { helo: context.helo } : {}),
    ...(hostname ? { hostname } : {}),
  }
}

function reverseName(ip: string): string {
  if (ip.includes(':')) {
    const groups = ip.split('::')
    const head = (groups[0] ?? '').split(':').filter(Boolean)
    const tail = (groups[1] ?? '').split(':').filter(Boolean)
    const full = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail]
    return `${full
      .map((g) => g.padStart(4, '0'))
      .join('')
      .split('')
      .reverse()
      .join('.')}.ip6.arpa`
  }
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`
}

async function askRspamd(
  url: string,
  email: CapturedEmail,
  client: ConnectingClient,
  timeout: number,
): Promise<SpamCheckResult> {
  const headers: Array<[string, string]> = [['Content-Length', String(email.raw.length)]]
  if (client.ip) headers.push(['IP', client.ip])
  if (client.helo) headers.push(['Helo', client.helo])
  if (client.hostname) headers.push(['Hostname', client.hostname])
  if (email.envelope.mailFrom) headers.push(['From', email.envelope.mailFrom])
  for (const rcpt of email.envelope.rcptTo) headers.push(['Rcpt', rcpt])
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      new URL('/checkv2', url),
      { method: 'POST', headers: headers.flat(), timeout },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_ANSWER) req.destroy(new Error(`an answer over ${MAX_ANSWER} bytes`))
          else chunks.push(chunk)
        })
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })))
    req.on('error', reject)
    req.end(email.raw)
  })
  let json: RspamdAnswer
  try {
    json = JSON.parse(answer.body) as RspamdAnswer
  } catch {
    throw new CheckError(
      'rspamd',
      `rspamd at ${url} answered ${answer.status} with something that is not its JSON for ${email.describe()}: ${JSON.stringify(answer.body.slice(0, 200))}`,
    )
  }
  if (answer.status !== 200 || typeof json.score !== 'number' || json.error) {
    throw new CheckError(
      'rspamd',
      `rspamd at ${url} could not check ${email.describe()}: ${answer.status} ${json.error ?? JSON.stringify(answer.body.slice(0, 200))}`,
    )
  }
  const symbols: SpamSymbol[] = Object.values(json.symbols ?? {})
    .map((s) => ({
      name: s.name,
      score: round(s.score ?? 0),
      ...(s.description ? { description: s.description } : {}),
      ...(s.options?.length ? { options: s.options.map(String) } : {}),
    }))
    .sort(byScore)
  return {
    kind: 'spam',
    checker: 'rspamd',
    score: round(json.score),
    threshold: RSPAMD_SPAM_SCORE,
    action: json.action ?? 'unknown',
    symbols,
    offline: RSPAMD_OFFLINE_DISABLED,
  }
}

interface RspamdAnswer {
  score: number
  required_score?: number
  action?: string
  error?: string
  symbols?: Record<string, { name: string; score?: number; description?: string; options?: unknown[] }>
}

async function askSpamd(
  url: string,
  email: CapturedEmail,
  client: ConnectingClient,
  timeout: number,
): Promise<SpamCheckResult> {
  // spamd sees only the message: the hop a receiver adds (who connected, from which IP) and the envelope
  // sender are given as the headers a receiving MTA would have written.
  const added = [
    `${ENVELOPE_HEADER}: ${email.envelope.mailFrom || '<>'}`,
    ...(client.ip
      ? [
          `Received: from ${client.helo ?? client.hostname ?? 'unknown'} (${client.hostname ?? 'unknown'} [${client.ip}])\r\n\tby mailwright.sandbox with ESMTP; ${email.receivedAt.toUTCString()}`,
        ]
      : []),
  ]
  const message = Buffer.concat([Buffer.from(`${added.join('\r\n')}\r\n`), email.raw])
  const response = await spamdRequest(url.replace(/^spamd:\/\//, ''), 'REPORT', message, timeout)
  const verdict = /^(True|False|Yes|No)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/i.exec(response.headers.spam ?? '')
  if (response.code !== 0 || !verdict) {
    throw new CheckError(
      'SpamAssassin',
      `spamd at ${url} could not check ${email.describe()}: ${response.code} ${response.status}${response.body ? ` ${JSON.stringify(response.body.slice(0, 200))}` : ''}`,
    )
  }
  return {
    kind: 'spam',
    checker: 'spamassassin',
    score: round(Number(verdict[2])),
    threshold: Number(verdict[3]),
    action: /^(true|yes)$/i.test(verdict[1] ?? '') ? 'spam' : 'ham',
    symbols: parseReport(response.body).sort(byScore),
    offline: SPAMASSASSIN_OFFLINE_DISABLED,
  }
}

/** The rules of a SpamAssassin report: the table after ` pts rule name  description`. */
export function parseReport(report: string): SpamSymbol[] {
  const lines = report.split(/\r?\n/)
  const start = lines.findIndex((l) => /^-{3,}\s+-{3,}/.test(l))
  if (start < 0) return []
  const symbols: SpamSymbol[] = []
  for (const line of lines.slice(start + 1)) {
    const rule = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s*(.*)$/.exec(line)
    if (rule) {
      const description = rule[3]?.trim()
      symbols.push({ name: rule[2] ?? '', score: Number(rule[1]), ...(description ? { description } : {}) })
      continue
    }
    const last = symbols.at(-1)
    // A long description continues on the next line, indented under the description column.
    if (last && /^\s{10,}\S/.test(line)) last.description = `${last.description ?? ''} ${line.trim()}`.trim()
    else if (!line.trim()) break
  }
  return symbols
}

function byScore(a: SpamSymbol, b: SpamSymbol): number {
  return b.score - a.score || a.name.localeCompare(b.name)
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

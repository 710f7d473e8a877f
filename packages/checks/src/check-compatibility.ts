import {
  type CapturedEmail,
  CheckError,
  type CompatibilityCheckOptions,
  type CompatibilityCheckResult,
  type CompatibilityFinding,
  type EmailClientName,
  InvalidArgumentError,
  scaledTimeout,
} from '@mailwright/core'
import { WorkerBudgetExceeded, WorkerPool, wildcard } from '@mailwright/core/internal'
import { rawData } from 'caniemail'

// Past this, the email is not worth parsing for features: Gmail clips HTML at 102 KB already.
const MAX_HTML = 5 * 1024 * 1024

interface RawFeature {
  title: string
  url: string
  stats: Record<string, Record<string, Record<string, string>>>
}
const FEATURES = (rawData as unknown as { data: RawFeature[] }).data
const CLIENTS: string[] = [
  ...new Set(
    FEATURES.flatMap((f) =>
      Object.entries(f.stats).flatMap(([provider, platforms]) =>
        Object.keys(platforms).map((p) => `${provider}.${p}`),
      ),
    ),
  ),
].sort()
const URLS = new Map(FEATURES.map((f) => [f.title, f.url]))
// caniemail 2 throws ("Feature … not found on …") when a feature has no entry for a client, which its data
// lacks for 13 of 48 clients on common features (display, <img>). The worker fills those gaps with a value
// of its own, and they are left out of the findings: every client stays checkable.
const NO_DATA = new Set(
  FEATURES.flatMap((f) =>
    CLIENTS.filter((c) => {
      const [provider = '', platform = ''] = c.split('.')
      return f.stats[provider]?.[platform] === undefined
    }).map((c) => `${f.title}|${c}`),
  ),
)

// caniemail parses HTML and CSS on the event loop and slows down sharply with many style rules (a 4 MB
// stylesheet took minutes): it runs on a thread, ended when past its time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  const { caniemail, rawData } = await import(workerData.caniemail)
  const clients = [...new Set(rawData.data.flatMap((f) => Object.entries(f.stats).flatMap(([p, ps]) => Object.keys(ps).map((k) => p + '.' + k))))]
  for (const feature of rawData.data) {
    for (const client of clients) {
      const [provider, platform] = client.split('.')
      feature.stats[provider] ??= {}
      feature.stats[provider][platform] ??= { '0000': 'u' }
    }
  }
  parentPort.on('message', ({ id, payload }) => {
    try {
      const { issues } = caniemail({ clients: payload.clients, html: payload.html })
      const plain = (map) => [...map].map(([client, list]) => [client, list.map((i) => ({ title: i.title, notes: i.notes }))])
      parentPort.postMessage({ id, result: { errors: plain(issues.errors), warnings: plain(issues.warnings) } })
    } catch (error) {
      parentPort.postMessage({ id, error: error && error.message ? error.message : String(error) })
    }
  })
  parentPort.postMessage({ ready: true })
})()
`
type Issues = Array<[string, Array<{ title: string; notes: string[] }>]>
let pool: WorkerPool | undefined

/**
 * The HTML and CSS features of the email that some of `clients` do not support, by caniemail's data
 * (caniemail.com, through the npm package `caniemail`). Clients are caniemail's names
 * (`outlook.windows`), globs (`gmail.*`, `*.ios`) or families (`gmail`, `apple-mail`, `outlook-windows`).
 * Each finding has the feature, the clients and its caniemail page; features caniemail has no data on for
 * a client are not findings.
 *
 * @example
 * const result = await checkCompatibility(email, ['gmail', 'outlook-windows', 'apple-mail'])
 * result.unsupported // [{ feature: 'display:flex', clients: ['outlook.windows'], url: 'https://www.caniemail.com/features/css-display-flex/', notes: [] }]
 */
export async function checkCompatibility(
  email: CapturedEmail,
  clients: readonly EmailClientName[],
  options: CompatibilityCheckOptions = {},
): Promise<CompatibilityCheckResult> {
  const names = resolveClients(clients)
  const html = email.html ?? ''
  if (html.length > MAX_HTML)
    throw new CheckError(
      'caniemail',
      `${email.describe()} has ${(html.length / 1024 / 1024).toFixed(1)} MB of HTML; compatibility is checked up to ${MAX_HTML / 1024 / 1024} MB (Gmail clips at 102 KB). Make the email smaller.`,
    )
  let result: { errors: Issues; warnings: Issues } | undefined
  if (html.trim()) {
    const timeout = options.timeout ?? scaledTimeout(30_000)
    pool ??= new WorkerPool({
      source: WORKER_SOURCE,
      workerData: { caniemail: import.meta.resolve('caniemail') },
      size: 1,
      // A hostile 5 MB part must end the thread, not the test process.
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    })
    try {
      result = (await pool.run({ clients: names, html }, { budgetMs: timeout })) as typeof result
    } catch (error) {
      throw new CheckError(
        'caniemail',
        error instanceof WorkerBudgetExceeded
          ? `caniemail did not finish reading the HTML of ${email.describe()} within ${timeout} ms (${(html.length / 1024).toFixed(0)} KB of HTML). Make the email smaller, or raise checks.compatibility.timeout or MAILWRIGHT_TIME_SCALE.`
          : `caniemail could not read the HTML of ${email.describe()}: ${(error as Error).message}`,
        { cause: error },
      )
    }
  }
  return {
    kind: 'compatibility',
    clients: names,
    unsupported: result ? findings(result.errors) : [],
    partial: result ? findings(result.warnings) : [],
    failOnPartial: options.failOnPartial ?? false,
    dataDate: String((rawData as { last_update_date?: string }).last_update_date ?? 'unknown').slice(0, 10),
  }
}

const FAMILIES = [...new Set(CLIENTS.map((c) => c.split('.')[0] as string))]

// "Did you mean …" for a near miss: the family or name fewest edits away, when it is close.
function closest(name: string): string {
  const distance = (a: string, b: string) => {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
    for (let i = 1; i <= a.length; i++) {
      const row = [i]
      for (let j = 1; j <= b.length; j++)
        row[j] = Math.min(
          (previous[j] ?? 0) + 1,
          (row[j - 1] ?? 0) + 1,
          (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        )
      previous = row
    }
    return previous[b.length] ?? Number.POSITIVE_INFINITY
  }
  const [best] = [...FAMILIES, ...CLIENTS]
    .slice(0, 200)
    .map((candidate) => ({ candidate, d: distance(name.slice(0, 40), candidate) }))
    .sort((a, b) => a.d - b.d)
  return best && best.d <= 2 ? `"${best.candidate}" (did you mean it?), or ` : ''
}

/** caniemail's names for what a user wrote: names, globs, families (`gmail`) and dashed names (`outlook-windows`). */
export function resolveClients(clients: readonly EmailClientName[]): string[] {
  const names = new Set<string>()
  for (const asked of clients) {
    const name = asked.trim().toLowerCase()
    const glob = wildcard(name)
    const matched =
      name.includes('.') || name.includes('*')
        ? CLIENTS.filter((c) => glob.test(c))
        : CLIENTS.filter(
            (c) => c.startsWith(`${name}.`) || c.endsWith(`.${name}`) || c.replace('.', '-') === name,
          )
    if (matched.length === 0)
      throw new InvalidArgumentError(
        'email client',
        asked,
        `${closest(name)}a family (${FAMILIES.join(', ')}), a family-platform (outlook-windows, apple-mail-ios), a caniemail name (${CLIENTS.join(', ')}), or a glob such as "*.ios"`,
      )
    for (const m of matched) names.add(m)
  }
  return [...names].sort()
}

// caniemail's issues are by client; a finding is by feature, with every client it concerns.
function findings(byClient: Issues): CompatibilityFinding[] {
  const byFeature = new Map<string, CompatibilityFinding>()
  for (const [client, issues] of byClient) {
    for (const issue of issues) {
      if (NO_DATA.has(`${issue.title}|${client}`)) continue
      let finding = byFeature.get(issue.title)
      if (!finding) {
        finding = {
          feature: issue.title,
          clients: [],
          url: URLS.get(issue.title) ?? 'https://www.caniemail.com/',
          notes: [],
        }
        byFeature.set(issue.title, finding)
      }
      if (!finding.clients.includes(client)) finding.clients.push(client)
      for (const note of issue.notes) {
        const line = `${client}: ${note}`
        if (!finding.notes.includes(line)) finding.notes.push(line)
      }
    }
  }
  return [...byFeature.values()]
    .map((f) => ({ ...f, clients: f.clients.sort() }))
    .sort((a, b) => b.clients.length - a.clients.length || a.feature.localeCompare(b.feature))
}

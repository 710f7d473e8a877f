import { readFileSync } from 'node:fs'
import { checkEmailReport } from './check-email-report.js'
import { type EmailReport, REPORT_VERSION, type ReportedEmail, type ReportedTest } from './email-report.js'
import { GateInputError } from './gate-input-error.js'
import { testName } from './render-markdown.js'

export { GateInputError }

/** Which emails a rule looks at: each given field must match its regular expression. */
export interface EmailFilter {
  subject?: string
  from?: string
  to?: string
  environment?: string
}

/** One rule of `mailwright.gate.json`. */
export type GateRule =
  | { rule: 'no-failed-email-assertions' }
  | { rule: 'dmarc-pass'; where?: EmailFilter }
  | { rule: 'max-size'; kb: number; where?: EmailFilter }
  | { rule: 'bulk-sender'; where?: EmailFilter }
  | {
      rule: 'same-across-environments'
      environments: string[]
      compare?: Array<'subject' | 'links' | 'from'>
    }

/** `mailwright.gate.json`. */
export interface GatePolicy {
  rules: GateRule[]
}

/** One broken rule: which test, which email, which rule, and what was seen. */
export interface GateViolation {
  test: string
  email?: string
  rule: string
  detail: string
}

/** Without a policy file the gate holds the one rule every pipeline wants. */
export const DEFAULT_GATE_POLICY: GatePolicy = { rules: [{ rule: 'no-failed-email-assertions' }] }

const RULES = [
  'no-failed-email-assertions',
  'dmarc-pass',
  'max-size',
  'bulk-sender',
  'same-across-environments',
]
const FILTER_KEYS = ['subject', 'from', 'to', 'environment']
const COMPARABLE = ['subject', 'links', 'from']

/**
 * Checks a policy (parsed JSON) against the schema, naming the file, the key, the value and the fix for
 * every problem.
 *
 * @example
 * const policy = parseGatePolicy(JSON.parse(text), 'mailwright.gate.json')
 */
export function parseGatePolicy(value: unknown, file: string): GatePolicy {
  const fail = (key: string, got: unknown, expected: string): never => {
    throw new GateInputError(`${file}: ${key} is ${JSON.stringify(got)}. Expected ${expected}.`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('the top level', value, 'an object such as { "rules": [{ "rule": "no-failed-email-assertions" }] }')
  const top = value as Record<string, unknown>
  for (const key of Object.keys(top))
    if (key !== 'rules' && key !== '$schema')
      fail(key, top[key], 'only "rules" (and "$schema") at the top level')
  if (!Array.isArray(top.rules) || top.rules.length === 0)
    fail('rules', top.rules, 'a non-empty list of rules')
  const rules = (top.rules as unknown[]).map((raw, i) => {
    const at = `rules[${i}]`
    if (typeof raw !== 'object' || raw === null) return fail(at, raw, 'an object with a "rule"')
    const rule = raw as Record<string, unknown>
    if (!RULES.includes(rule.rule as string)) fail(`${at}.rule`, rule.rule, `one of ${RULES.join(', ')}`)
    const allowed: Record<string, string[]> = {
      'no-failed-email-assertions': [],
      'dmarc-pass': ['where'],
      'max-size': ['kb', 'where'],
      'bulk-sender': ['where'],
      'same-across-environments': ['environments', 'compare'],
    }
    for (const key of Object.keys(rule)) {
      if (key !== 'rule' && !allowed[rule.rule as string]?.includes(key))
        fail(
          `${at}.${key}`,
          rule[key],
          `no such key for "${rule.rule}" (it takes: ${allowed[rule.rule as string]?.join(', ') || 'nothing else'})`,
        )
    }
    if (rule.where !== undefined) {
      if (typeof rule.where !== 'object' || rule.where === null || Array.isArray(rule.where))
        fail(`${at}.where`, rule.where, `an object with any of ${FILTER_KEYS.join(', ')}`)
      for (const [key, pattern] of Object.entries(rule.where as Record<string, unknown>)) {
        if (!FILTER_KEYS.includes(key))
          fail(`${at}.where.${key}`, pattern, `one of the keys ${FILTER_KEYS.join(', ')}`)
        if (typeof pattern !== 'string')
          fail(`${at}.where.${key}`, pattern, 'a regular expression as a string')
        try {
          new RegExp(pattern as string)
        } catch (error) {
          fail(`${at}.where.${key}`, pattern, `a valid regular expression (${(error as Error).message})`)
        }
      }
    }
    if (rule.rule === 'max-size' && (typeof rule.kb !== 'number' || !(rule.kb > 0)))
      fail(`${at}.kb`, rule.kb, 'a number of kilobytes > 0, e.g. "kb": 100')
    if (rule.rule === 'same-across-environments') {
      const envs = rule.environments
      if (!Array.isArray(envs) || envs.length < 2 || !envs.every((e) => typeof e === 'string' && e))
        fail(`${at}.environments`, envs, 'two or more environment names, e.g. ["sandbox", "staging"]')
      const compare = rule.compare ?? ['subject', 'links']
      if (
        !Array.isArray(compare) ||
        compare.length === 0 ||
        !compare.every((c) => COMPARABLE.includes(c as string))
      )
        fail(`${at}.compare`, rule.compare, `a list of ${COMPARABLE.join(', ')}`)
    }
    return rule as unknown as GateRule
  })
  return { rules }
}

/** Reads and checks a policy file. */
export function loadGatePolicy(file: string): GatePolicy {
  return parseGatePolicy(readJson(file, 'policy'), file)
}

/** Reads one `mailwright-report.json`, refusing anything else with what it is and what to give instead. */
export function loadEmailReport(file: string): EmailReport {
  return checkEmailReport(readJson(file, 'report'), file)
}

/**
 * One report from several (Playwright `--shard`s, separate runs per environment). A test that ran again
 * (a retry) counts with its last result.
 *
 * @example
 * const all = mergeEmailReports(['shard-1.json', 'shard-2.json'].map(loadEmailReport))
 */
export function mergeEmailReports(reports: EmailReport[]): EmailReport {
  const latest = new Map<string, ReportedTest>()
  for (const report of reports) {
    for (const test of report.tests) {
      const id = `${test.project ?? ''}\u0000${test.environment}\u0000${test.key}`
      const seen = latest.get(id)
      if (!seen || test.retry >= seen.retry) latest.set(id, test)
    }
  }
  const starts = reports.map((r) => Date.parse(r.startedAt)).filter((n) => !Number.isNaN(n))
  return {
    version: REPORT_VERSION,
    tool: 'mailwright',
    runner: reports[0]?.runner ?? 'playwright',
    startedAt: new Date(starts.length ? Math.min(...starts) : Date.now()).toISOString(),
    durationMs: Math.max(0, ...reports.map((r) => r.durationMs)),
    tests: [...latest.values()],
  }
}

/**
 * Every violation of the policy in the report, in test order.
 *
 * @example
 * const violations = evaluateGate(report, loadGatePolicy('mailwright.gate.json'))
 * process.exitCode = violations.length ? 1 : 0
 */
export function evaluateGate(report: EmailReport, policy: GatePolicy): GateViolation[] {
  const out: GateViolation[] = []
  for (const rule of policy.rules) {
    if (rule.rule === 'same-across-environments') {
      out.push(...compareEnvironments(report.tests, rule.environments, rule.compare ?? ['subject', 'links']))
      continue
    }
    for (const test of report.tests) {
      const name = testName(test)
      if (rule.rule === 'no-failed-email-assertions') {
        // A failing matcher inside a passing test was expected by it (a test of a failure message, say).
        if (test.status === 'passed' || test.status === 'skipped') continue
        for (const a of test.assertions.filter((x) => !x.passed)) {
          const email = test.emails.find((e) => e.id === a.email)
          out.push({
            test: name,
            email: email && label(email),
            rule: rule.rule,
            detail: `${a.not ? '.not.' : ''}${a.matcher}: ${firstLine(a.message ?? '')}`,
          })
        }
        for (const w of test.waits.filter((x) => x.outcome === 'failed'))
          out.push({ test: name, rule: rule.rule, detail: `${w.title}: ${w.error ?? 'failed'}` })
        continue
      }
      for (const email of test.emails.filter((e) => matches(rule.where, e, test))) {
        const at = { test: name, email: label(email), rule: rule.rule }
        if (rule.rule === 'max-size' && email.size > rule.kb * 1024)
          out.push({ ...at, detail: `${(email.size / 1024).toFixed(1)} KB is over ${rule.kb} KB` })
        if (rule.rule === 'dmarc-pass') {
          if (!email.auth?.dmarc)
            out.push({
              ...at,
              detail:
                'no DMARC verdict (give the environment a sending profile, or read from a receiver that stamps one)',
            })
          else if (email.auth.dmarc.result !== 'pass')
            out.push({
              ...at,
              detail: `DMARC ${email.auth.dmarc.result} for ${email.auth.dmarc.domain ?? '?'} (${email.auth.source})`,
            })
        }
        if (rule.rule === 'bulk-sender') {
          if (!email.bulkSender)
            out.push({ ...at, detail: 'no verdicts to judge by (give the environment a sending profile)' })
          else {
            const unmet = email.bulkSender.filter((r) => !r.met).map((r) => r.requirement)
            if (unmet.length) out.push({ ...at, detail: `not met: ${unmet.join('; ')}` })
          }
        }
      }
    }
  }
  return out
}

/** The violations as a plain table (test | email | rule | detail), or a line saying there are none. */
export function formatViolations(violations: GateViolation[]): string {
  if (violations.length === 0) return 'mailwright gate: no violations.'
  const rows = [
    ['test', 'email', 'rule', 'detail'],
    ...violations.map((v) => [v.test, v.email ?? '–', v.rule, v.detail]),
  ]
  const widths = [90, 70, 30].map((max, i) =>
    Math.min(max, Math.max(...rows.map((r) => (r[i] as string).length))),
  )
  const line = (r: string[]) =>
    [...r.slice(0, 3).map((c, i) => truncate(c, widths[i] as number).padEnd(widths[i] as number)), r[3]].join(
      '  ',
    )
  return [
    `mailwright gate: ${violations.length} violation${violations.length === 1 ? '' : 's'}`,
    '',
    line(rows[0] as string[]),
    ...rows.slice(1).map((r) => line(r)),
  ].join('\n')
}

function compareEnvironments(
  tests: ReportedTest[],
  environments: string[],
  compare: string[],
): GateViolation[] {
  const [reference, ...others] = environments as [string, ...string[]]
  const byKey = new Map<string, Map<string, ReportedTest>>()
  for (const t of tests) {
    const envs = byKey.get(t.key) ?? new Map<string, ReportedTest>()
    envs.set(t.environment, t)
    byKey.set(t.key, envs)
  }
  const out: GateViolation[] = []
  for (const [key, envs] of byKey) {
    const base = envs.get(reference)
    if (!base) continue
    for (const env of others) {
      const other = envs.get(env)
      if (!other) continue
      for (const field of compare) {
        const a = facts(base.emails, field)
        const b = facts(other.emails, field)
        if (a !== b)
          out.push({
            test: key,
            rule: 'same-across-environments',
            detail: `${field} differs: ${reference} saw ${a || '(none)'}; ${env} saw ${b || '(none)'}`,
          })
      }
    }
  }
  return out
}

// Links are compared by path: hosts differ between environments and tokens between runs.
function facts(emails: ReportedEmail[], field: string): string {
  const values = emails.flatMap((e) =>
    field === 'subject' ? [e.subject] : field === 'from' ? [e.from ?? ''] : e.links.map(pathOf),
  )
  return [...new Set(values)].sort().join(', ')
}

function pathOf(link: string): string {
  try {
    const url = new URL(link)
    return url.protocol.startsWith('http') ? url.pathname : `${url.protocol}${url.pathname}`
  } catch {
    return link
  }
}

function matches(where: EmailFilter | undefined, email: ReportedEmail, test: ReportedTest): boolean {
  if (!where) return true
  const anyMatch = (pattern: string | undefined, values: string[]) =>
    pattern === undefined || values.some((v) => new RegExp(pattern).test(v))
  return (
    anyMatch(where.subject, [email.subject]) &&
    anyMatch(where.from, [email.from ?? '']) &&
    anyMatch(where.to, [...email.to, ...email.recipients]) &&
    anyMatch(where.environment, [test.environment])
  )
}

function label(email: ReportedEmail): string {
  return `"${email.subject}" → ${email.recipients[0] ?? email.to[0] ?? '?'}`
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? ''
  )
}

function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text
}

function readJson(file: string, what: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new GateInputError(`cannot read the ${what} ${file}: ${(error as Error).message}.`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new GateInputError(`the ${what} ${file} is not JSON: ${(error as Error).message}.`)
  }
}

import { readFileSync } from 'node:fs'
import { checkEmailReport } from './check-email-report.js'
import { type EmailReport, REPORT_VERSION, type ReportedTest } from './email-report.js'
import { GateInputError } from './gate-input-error.js'
import type { GateRuleKey, GateViolation } from './gate-rule.js'
import { GATE_RULES, type GateRule } from './gate-rules.js'

/** `mailwright.gate.json`. */
export interface GatePolicy {
  rules: GateRule[]
}

/** Without a policy file the gate holds the one rule every pipeline wants. */
export const DEFAULT_GATE_POLICY: GatePolicy = { rules: [{ rule: 'no-failed-email-assertions' }] }

/**
 * Checks a policy (parsed JSON) against the rules' own definitions (rules/), naming the file, the key, the
 * value and the fix for every problem.
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
    const definition = GATE_RULES.find((d) => d.rule === rule.rule)
    if (!definition)
      return fail(`${at}.rule`, rule.rule, `one of ${GATE_RULES.map((d) => d.rule).join(', ')}`)
    const keys = Object.entries(definition.keys as Record<string, GateRuleKey>)
    for (const key of Object.keys(rule)) {
      if (key !== 'rule' && !keys.some(([name]) => name === key))
        fail(
          `${at}.${key}`,
          rule[key],
          `no such key for "${definition.rule}" (it takes: ${keys.map(([name]) => name).join(', ') || 'nothing else'})`,
        )
    }
    for (const [name, key] of keys) {
      if (rule[name] === undefined && !key.required) continue
      const problem = key.check(rule[name])
      if (typeof problem === 'string') fail(`${at}.${name}`, rule[name], problem)
      else if (problem) fail(`${at}.${name}.${problem.part}`, problem.value, problem.expected)
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
 * Every violation of the policy in the report, rule by rule, in test order.
 *
 * @example
 * const violations = evaluateGate(report, loadGatePolicy('mailwright.gate.json'))
 * process.exitCode = violations.length ? 1 : 0
 */
export function evaluateGate(report: EmailReport, policy: GatePolicy): GateViolation[] {
  return policy.rules.flatMap((rule) => {
    const definition = GATE_RULES.find((d) => d.rule === rule.rule)
    if (!definition)
      throw new GateInputError(
        `The policy names the rule ${JSON.stringify(rule.rule)}, which does not exist. Check it with parseGatePolicy() first.`,
      )
    return definition.evaluate(report, rule)
  })
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

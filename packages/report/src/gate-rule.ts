import type { EmailReport, ReportedChecks, ReportedEmail, ReportedTest } from './email-report.js'
import { testName } from './render-markdown.js'

/** One broken rule: which test, which email, which rule, and what was seen. */
export interface GateViolation {
  test: string
  email?: string
  rule: string
  detail: string
}

/** Which emails a rule looks at: each given field must match its regular expression. */
export interface EmailFilter {
  subject?: string
  from?: string
  to?: string
  environment?: string
}

/** One key a rule takes besides `rule`: its JSON Schema, and the check the gate makes itself. */
export interface GateRuleKey {
  /** The key's JSON Schema (for editors: the published mailwright.gate.schema.json is built from these). */
  schema: Record<string, unknown>
  required?: boolean
  /**
   * Undefined when the value is good; else what was expected ("Expected …" in the message), or a part of the
   * value that is wrong (`where.subject`), its value and what was expected of it.
   */
  check(value: unknown): string | { part: string; value: unknown; expected: string } | undefined
}

/**
 * One rule of `mailwright.gate.json`: its name, what it asks (the schema's description), the keys it takes,
 * and how it judges a report. The parser, the evaluator and the JSON Schema all read the rules from here.
 */
export interface GateRuleDefinition<Rule extends { rule: string }> {
  readonly rule: Rule['rule']
  readonly description: string
  readonly keys: { readonly [K in Exclude<keyof Rule, 'rule'>]-?: GateRuleKey }
  evaluate(report: EmailReport, rule: Rule): GateViolation[]
}

/** Declares a gate rule (one file each, under rules/). */
export function defineGateRule<Rule extends { rule: string }>(
  definition: GateRuleDefinition<Rule>,
): GateRuleDefinition<Rule> {
  return definition
}

const FILTER_KEYS = ['subject', 'from', 'to', 'environment'] as const

/** The `where` key the per-email rules share: regular expressions on the subject, sender, recipients, environment. */
export const WHERE: GateRuleKey = {
  schema: { $ref: '#/definitions/where' },
  check(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return `an object with any of ${FILTER_KEYS.join(', ')}`
    for (const [key, pattern] of Object.entries(value)) {
      if (!(FILTER_KEYS as readonly string[]).includes(key))
        return { part: key, value: pattern, expected: `one of the keys ${FILTER_KEYS.join(', ')}` }
      if (typeof pattern !== 'string')
        return { part: key, value: pattern, expected: 'a regular expression as a string' }
      try {
        new RegExp(pattern)
      } catch (error) {
        return {
          part: key,
          value: pattern,
          expected: `a valid regular expression (${(error as Error).message})`,
        }
      }
    }
    return undefined
  },
}

/** The JSON Schema of `where`, shared by the rules that take it. */
export const WHERE_SCHEMA = {
  description: 'Picks emails by regular expressions on these fields.',
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(FILTER_KEYS.map((key) => [key, { type: 'string', format: 'regex' }])),
}

/** The emails of a test a `where` picks (all of them without one). */
export function pickedEmails(where: EmailFilter | undefined, test: ReportedTest): ReportedEmail[] {
  if (!where) return test.emails
  const anyMatch = (pattern: string | undefined, values: string[]) =>
    pattern === undefined || values.some((v) => new RegExp(pattern).test(v))
  return test.emails.filter(
    (email) =>
      anyMatch(where.subject, [email.subject]) &&
      anyMatch(where.from, [email.from ?? '']) &&
      anyMatch(where.to, [...email.to, ...email.recipients]) &&
      anyMatch(where.environment, [test.environment]),
  )
}

/** How a violation names an email: its subject and first recipient. */
export function emailLabel(email: ReportedEmail): string {
  return `"${email.subject}" → ${email.recipients[0] ?? email.to[0] ?? '?'}`
}

/** The `require` key of the content-check rules: picked emails no test checked are violations too. */
export const REQUIRE: GateRuleKey = {
  schema: {
    type: 'boolean',
    description:
      'Every picked email must have been checked by a test (default false: unchecked emails pass).',
  },
  check: (value) => (typeof value === 'boolean' ? undefined : 'true or false'),
}

/**
 * The violations of a content-check rule: for each picked email with that check's result, what `judge`
 * finds wrong; a picked email without one is a violation only with `require`, naming the matcher to add.
 */
export function contentCheckViolations<K extends keyof ReportedChecks>(
  report: EmailReport,
  rule: { rule: string; where?: EmailFilter; require?: boolean },
  kind: K,
  matcher: string,
  judge: (result: NonNullable<ReportedChecks[K]>) => string[],
): GateViolation[] {
  return report.tests.flatMap((test) =>
    pickedEmails(rule.where, test).flatMap((email) => {
      const at = { test: testName(test), email: emailLabel(email), rule: rule.rule }
      const result = email.checks?.[kind]
      if (result === undefined)
        return rule.require ? [{ ...at, detail: `not checked: no test called ${matcher} on it` }] : []
      return judge(result as NonNullable<ReportedChecks[K]>).map((detail) => ({ ...at, detail }))
    }),
  )
}

import type { ReportedEmail, ReportedTest } from '../email-report.js'
import { defineGateRule, type GateViolation } from '../gate-rule.js'

const COMPARABLE = ['subject', 'links', 'from'] as const

/** `{ "rule": "same-across-environments", "environments": ["sandbox", "staging"], "compare"?: [...] }` */
export interface SameAcrossEnvironmentsRule {
  rule: 'same-across-environments'
  environments: string[]
  compare?: Array<(typeof COMPARABLE)[number]>
}

/**
 * A test that ran in the first environment and in another saw the same subjects, senders or link paths. A
 * test skipped in either ran in only one of them: there is nothing to compare.
 */
export const sameAcrossEnvironments = defineGateRule<SameAcrossEnvironmentsRule>({
  rule: 'same-across-environments',
  description:
    'A test that ran in the first environment and in another saw the same subjects, senders or link paths.',
  keys: {
    environments: {
      schema: { type: 'array', minItems: 2, items: { type: 'string', minLength: 1 } },
      required: true,
      check: (value) =>
        Array.isArray(value) && value.length >= 2 && value.every((e) => typeof e === 'string' && e)
          ? undefined
          : 'two or more environment names, e.g. ["sandbox", "staging"]',
    },
    compare: {
      schema: { type: 'array', minItems: 1, items: { enum: [...COMPARABLE] } },
      check: (value) =>
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((c) => (COMPARABLE as readonly unknown[]).includes(c))
          ? undefined
          : `a list of ${COMPARABLE.join(', ')}`,
    },
  },
  evaluate(report, rule) {
    const compare = rule.compare ?? ['subject', 'links']
    const [reference, ...others] = rule.environments as [string, ...string[]]
    const byKey = new Map<string, Map<string, ReportedTest>>()
    for (const t of report.tests) {
      const envs = byKey.get(t.key) ?? new Map<string, ReportedTest>()
      envs.set(t.environment, t)
      byKey.set(t.key, envs)
    }
    const out: GateViolation[] = []
    for (const [key, envs] of byKey) {
      const base = envs.get(reference)
      if (!base || base.status === 'skipped') continue
      for (const env of others) {
        const other = envs.get(env)
        if (!other || other.status === 'skipped') continue
        for (const field of compare) {
          const a = facts(base.emails, field)
          const b = facts(other.emails, field)
          if (a !== b)
            out.push({
              test: key,
              rule: rule.rule,
              detail: `${field} differs: ${reference} saw ${a || '(none)'}; ${env} saw ${b || '(none)'}`,
            })
        }
      }
    }
    return out
  },
})

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

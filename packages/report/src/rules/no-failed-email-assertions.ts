import { defineGateRule, emailLabel } from '../gate-rule.js'
import { firstLine, testName } from '../render-markdown.js'

/** `{ "rule": "no-failed-email-assertions" }` */
export interface NoFailedEmailAssertionsRule {
  rule: 'no-failed-email-assertions'
}

/** No failed test has a failed Mailwright matcher or wait (the rule every pipeline wants: the default). */
export const noFailedEmailAssertions = defineGateRule<NoFailedEmailAssertionsRule>({
  rule: 'no-failed-email-assertions',
  description: 'No failed test has a failed Mailwright matcher or wait.',
  keys: {},
  evaluate(report) {
    return report.tests.flatMap((test) => {
      // A failing matcher inside a passing test was expected by it (a test of a failure message, say).
      if (test.status === 'passed' || test.status === 'skipped') return []
      const name = testName(test)
      return [
        ...test.assertions
          .filter((a) => !a.passed)
          .map((a) => {
            const email = test.emails.find((e) => e.id === a.email)
            return {
              test: name,
              email: email && emailLabel(email),
              rule: 'no-failed-email-assertions',
              detail: `${a.not ? '.not.' : ''}${a.matcher}: ${firstLine(a.message ?? '')}`,
            }
          }),
        ...test.waits
          .filter((w) => w.outcome === 'failed')
          .map((w) => ({
            test: name,
            rule: 'no-failed-email-assertions',
            detail: `${w.title}: ${w.error ?? 'failed'}`,
          })),
      ]
    })
  },
})

import { defineGateRule, type EmailFilter, emailLabel, pickedEmails, WHERE } from '../gate-rule.js'
import { testName } from '../render-markdown.js'

/** `{ "rule": "max-size", "kb": 100, "where"?: { … } }` */
export interface MaxSizeRule {
  rule: 'max-size'
  kb: number
  where?: EmailFilter
}

/** Every picked email is at most `kb` kilobytes. */
export const maxSize = defineGateRule<MaxSizeRule>({
  rule: 'max-size',
  description: 'Every picked email is at most kb kilobytes.',
  keys: {
    kb: {
      schema: { type: 'number', exclusiveMinimum: 0 },
      required: true,
      check: (value) =>
        typeof value === 'number' && value > 0 ? undefined : 'a number of kilobytes > 0, e.g. "kb": 100',
    },
    where: WHERE,
  },
  evaluate(report, rule) {
    return report.tests.flatMap((test) =>
      pickedEmails(rule.where, test)
        .filter((email) => email.size > rule.kb * 1024)
        .map((email) => ({
          test: testName(test),
          email: emailLabel(email),
          rule: rule.rule,
          detail: `${(email.size / 1024).toFixed(1)} KB is over ${rule.kb} KB`,
        })),
    )
  },
})

import { defineGateRule, type EmailFilter, emailLabel, pickedEmails, WHERE } from '../gate-rule.js'
import { testName } from '../render-markdown.js'

/** `{ "rule": "bulk-sender", "where"?: { … } }` */
export interface BulkSenderRule {
  rule: 'bulk-sender'
  where?: EmailFilter
}

/** Every picked email meets the Gmail/Yahoo bulk-sender requirements. */
export const bulkSender = defineGateRule<BulkSenderRule>({
  rule: 'bulk-sender',
  description: 'Every picked email meets the Gmail/Yahoo bulk-sender requirements.',
  keys: { where: WHERE },
  evaluate(report, rule) {
    return report.tests.flatMap((test) =>
      pickedEmails(rule.where, test).flatMap((email) => {
        const at = { test: testName(test), email: emailLabel(email), rule: rule.rule }
        if (!email.bulkSender)
          return [{ ...at, detail: 'no verdicts to judge by (give the environment a sending profile)' }]
        const unmet = email.bulkSender.filter((r) => !r.met).map((r) => r.requirement)
        return unmet.length ? [{ ...at, detail: `not met: ${unmet.join('; ')}` }] : []
      }),
    )
  },
})

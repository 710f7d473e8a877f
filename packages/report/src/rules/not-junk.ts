import { defineGateRule, type EmailFilter, emailLabel, pickedEmails, WHERE } from '../gate-rule.js'
import { testName } from '../render-markdown.js'

/** `{ "rule": "not-junk", "where"?: { … } }` */
export interface NotJunkRule {
  rule: 'not-junk'
  where?: EmailFilter
}

/**
 * No picked email was treated as junk by the real mailbox that received it: filed in Junk Email, a spam
 * confidence level of 5 or more, or a spam verdict (as `toBeJunk`). Emails nothing judged (the capture
 * inbox) pass.
 */
export const notJunk = defineGateRule<NotJunkRule>({
  rule: 'not-junk',
  description:
    'No picked email was treated as junk by the real mailbox that received it (Junk Email folder, SCL 5 or more, or a spam verdict).',
  keys: { where: WHERE },
  evaluate(report, rule) {
    return report.tests.flatMap((test) =>
      pickedEmails(rule.where, test)
        .filter((email) => email.spam?.junk)
        .map((email) => ({
          test: testName(test),
          email: emailLabel(email),
          rule: rule.rule,
          detail: `junk: ${email.spam?.reasons.join('; ')}`,
        })),
    )
  },
})

import { defineGateRule, type EmailFilter, emailLabel, pickedEmails, WHERE } from '../gate-rule.js'
import { testName } from '../render-markdown.js'

/** `{ "rule": "dmarc-pass", "where"?: { … } }` */
export interface DmarcPassRule {
  rule: 'dmarc-pass'
  where?: EmailFilter
}

/** Every picked email has a DMARC verdict, and it is pass. */
export const dmarcPass = defineGateRule<DmarcPassRule>({
  rule: 'dmarc-pass',
  description: 'Every picked email has a DMARC verdict, and it is pass.',
  keys: { where: WHERE },
  evaluate(report, rule) {
    return report.tests.flatMap((test) =>
      pickedEmails(rule.where, test).flatMap((email) => {
        const at = { test: testName(test), email: emailLabel(email), rule: rule.rule }
        if (!email.auth?.dmarc)
          return [
            {
              ...at,
              detail:
                'no DMARC verdict (give the environment a sending profile, or read from a receiver that stamps one)',
            },
          ]
        if (email.auth.dmarc.result !== 'pass')
          return [
            {
              ...at,
              detail: `DMARC ${email.auth.dmarc.result} for ${email.auth.dmarc.domain ?? '?'} (${email.auth.source})`,
            },
          ]
        return []
      }),
    )
  },
})

import type { SpamChecker } from '@mailwright/core'
import { spamFilterName } from '@mailwright/core/internal'
import { contentCheckViolations, defineGateRule, type EmailFilter, REQUIRE, WHERE } from '../gate-rule.js'

/** `{ "rule": "spam-score", "below"?: 5, "require"?: true, "where"?: { … } }` */
export interface SpamScoreRule {
  rule: 'spam-score'
  /** Default: the threshold of the filter that scored it (rspamd 6, SpamAssassin 5). */
  below?: number
  require?: boolean
  where?: EmailFilter
}

/** Every picked email a test scored (`toHaveSpamScore`) scored below `below`. */
export const spamScore = defineGateRule<SpamScoreRule>({
  rule: 'spam-score',
  description:
    "Every picked email a test scored with toHaveSpamScore scored below `below` (default: the filter's own spam threshold).",
  keys: {
    below: {
      schema: { type: 'number' },
      check: (value) =>
        typeof value === 'number' && Number.isFinite(value) ? undefined : 'a number, e.g. "below": 5',
    },
    require: REQUIRE,
    where: WHERE,
  },
  evaluate(report, rule) {
    return contentCheckViolations(report, rule, 'spam', 'toHaveSpamScore', (spam) => {
      const below = rule.below ?? spam.threshold
      if (spam.score < below) return []
      const top = spam.symbols
        .slice(0, 5)
        .map((s) => `${s.name} ${s.score > 0 ? '+' : ''}${s.score}`)
        .join(', ')
      return [
        `${spamFilterName(spam.checker as SpamChecker)} scored ${spam.score}, not below ${below}${top ? ` (${top})` : ''}`,
      ]
    })
  },
})

import type { SpamChecker, SpamCheckOptions, SpamCheckResult } from '../content-checks.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { currentCheckContext, runContentCheck } from '../run-content-check.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/** Options of {@link toHaveSpamScore}: the score to stay below, and the filter (else `checks.spam`). */
export interface ToHaveSpamScoreOptions extends SpamCheckOptions {
  /** The email passes with a score strictly below this. Default: the filter's own spam threshold (rspamd 6, SpamAssassin 5). */
  below?: number
}

// Shown in a failure: the rules that added the most, not every informational zero.
const SHOWN_SYMBOLS = 15

/**
 * Scores the email with a real spam filter — rspamd by default, SpamAssassin with `checker:
 * 'spamassassin'` — offline on this machine, and passes when the score is below `below` (default: the
 * filter's own spam threshold). A failure lists the rules that fired with their scores, and what the filter
 * could not check offline. Needs `@mailwright/checks` and the filter installed (`apt-get install rspamd`);
 * Mailwright starts it. Await it: the filter answers asynchronously.
 *
 * @example
 * const email = await inbox.waitForEmail({ subject: /Welcome/ })
 * await expect(email).toHaveSpamScore({ below: 5 })
 * await expect(email).toHaveSpamScore({ below: 5, checker: 'spamassassin' })
 */
export async function toHaveSpamScore(
  this: MatcherState,
  received: unknown,
  options: ToHaveSpamScoreOptions = {},
): Promise<MatcherResult> {
  const email = assertEmail(received, 'toHaveSpamScore')
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(
      'toHaveSpamScore() options',
      options,
      "{ below?: number, checker?: 'rspamd' | 'spamassassin' }",
    )
  if (options.below !== undefined && (typeof options.below !== 'number' || !Number.isFinite(options.below)))
    throw new InvalidArgumentError(
      'toHaveSpamScore() options.below',
      options.below,
      'a number, e.g. { below: 5 }',
    )
  const context = currentCheckContext()
  const { below, ...asked } = options
  const settings: SpamCheckOptions = { ...context.checks.spam, ...asked }
  const checker = settings.checker ?? 'rspamd'
  const result = await runContentCheck<SpamCheckResult>(
    email,
    checker,
    `expect(email).toHaveSpamScore() (${checker})`,
    { spam: settings },
    (checks) => checks.checkSpam(email, settings, context),
  )
  const limit = below ?? result.threshold
  const pass = result.score < limit
  return {
    pass,
    name: 'toHaveSpamScore',
    email,
    check: result,
    expected: { below: limit },
    actual: result.score,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHaveSpamScore',
        isNot: this.isNot,
        args: Object.keys(options).length ? show(options) : '',
        expected: `a spam score below ${limit}${below === undefined ? ` (${spamFilterName(result.checker)}'s spam threshold)` : ''}`,
        received: `${result.score} from ${spamFilterName(result.checker)} (${result.action})`,
        details: spamDetails(result),
        email,
      }),
  }
}

/** The filter as its makers write it: rspamd, SpamAssassin. */
export function spamFilterName(checker: SpamChecker): string {
  return checker === 'spamassassin' ? 'SpamAssassin' : 'rspamd'
}

/** The rules that fired and what was not checked, as a failure lists them. */
export function spamDetails(result: SpamCheckResult): string[] {
  const fired = result.symbols.filter((s) => s.score !== 0)
  const shown = fired.slice(0, SHOWN_SYMBOLS)
  const width = Math.max(0, ...shown.map((s) => s.name.length))
  return [
    fired.length ? 'Rules that added to the score:' : 'No rule added to the score.',
    ...shown.map((s) =>
      `  ${`${s.score >= 0 ? '+' : ''}${s.score.toFixed(2)}`.padStart(6)}  ${s.name.padEnd(width)}  ${s.description ?? ''}${s.options?.length ? ` [${s.options.slice(0, 3).join(', ')}]` : ''}`.trimEnd(),
    ),
    ...(fired.length > shown.length ? [`  … and ${fired.length - shown.length} more`] : []),
    `Not run offline (docs/spam-score.md): ${result.offline.join('; ')}.`,
  ]
}

import { MailwrightError } from './mailwright-error.js'

/**
 * A query's pattern ran past its time budget (catastrophic backtracking, such as `/(a+)+$/` on a long
 * subject). The capture server stops it so that no other test waits; only the query that brought it fails.
 *
 * @example
 * // POST /api/wait {"query":{"subject":{"regex":"(a+)+$"}}} → 422 PATTERN_TOO_SLOW
 */
export class PatternTimeoutError extends MailwrightError {
  /** The pattern, as `/source/flags`. */
  readonly pattern: string
  readonly budgetMs: number

  constructor(patterns: readonly RegExp[], budgetMs: number, where: string) {
    const shown = patterns.map(String).join(', ')
    super(
      'PATTERN_TOO_SLOW',
      `The pattern ${shown} took over ${budgetMs} ms on ${where} and was stopped, so other tests are not held up. It backtracks catastrophically (nested quantifiers such as (a+)+ or (a|a)*): rewrite it, e.g. /a+$/, or match a plain string.`,
    )
    this.pattern = shown
    this.budgetMs = budgetMs
  }
}

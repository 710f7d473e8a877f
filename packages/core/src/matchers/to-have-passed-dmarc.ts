import { InvalidArgumentError } from '../invalid-argument-error.js'
import { authBlock, requireAuth } from './auth-block.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/** Options of {@link toHavePassedDmarc}. */
export interface DmarcExpectation {
  /** The published policy the From domain must have (`none`, `quarantine`, `reject`). */
  policy?: 'none' | 'quarantine' | 'reject'
}

/**
 * Passes when DMARC passed for the From domain: SPF or DKIM passed and aligned with it, as a receiving
 * server decides (and, with `{ policy }`, under that published policy).
 *
 * @example
 * expect(email).toHavePassedDmarc()
 * expect(email).toHavePassedDmarc({ policy: 'reject' })
 */
export function toHavePassedDmarc(
  this: MatcherState,
  received: unknown,
  expected: DmarcExpectation = {},
): MatcherResult {
  const email = assertEmail(received, 'toHavePassedDmarc')
  if (
    expected === null ||
    typeof expected !== 'object' ||
    (expected.policy !== undefined && !['none', 'quarantine', 'reject'].includes(expected.policy))
  ) {
    throw new InvalidArgumentError(
      'toHavePassedDmarc() argument',
      expected,
      "{ policy?: 'none' | 'quarantine' | 'reject' }",
    )
  }
  const auth = requireAuth(email, 'toHavePassedDmarc')
  const dmarc = auth.dmarc
  const pass = dmarc?.result === 'pass' && (expected.policy === undefined || dmarc.policy === expected.policy)
  return {
    pass,
    name: 'toHavePassedDmarc',
    email,
    expected: { result: 'pass', ...expected },
    actual: dmarc,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHavePassedDmarc',
        isNot: this.isNot,
        args: Object.keys(expected).length ? show(expected) : '',
        expected: `dmarc=pass${expected.policy ? ` (p=${expected.policy})` : ''}`,
        received: dmarc
          ? `dmarc=${dmarc.result} (${dmarc.policy ? `p=${dmarc.policy}` : 'no policy'}, header.from=${dmarc.domain ?? '?'})`
          : 'dmarc=none (no DMARC record for the From domain)',
        email,
        trailer: authBlock(auth),
      }),
  }
}

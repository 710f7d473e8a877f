import { InvalidArgumentError } from '../invalid-argument-error.js'
import { type AttemptOutcome, describeAttempts, type SmtpAttempt } from '../smtp-fault.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertInbox, type MatcherResult, type MatcherState } from './matcher-result.js'

/** What {@link toHaveBeenAttempted} expects of an inbox's SMTP attempts. All given ones must hold. */
export interface ToHaveBeenAttemptedOptions {
  /** Exactly this many attempts. Default: at least one. */
  times?: number
  /** How the last attempt ended: `delivered` (the application got through) or `refused` (it gave up). */
  last?: AttemptOutcome
  /** Each attempt began at least this many ms after the one before: the application's back-off. */
  minInterval?: number
}

const OUTCOMES: readonly AttemptOutcome[] = ['delivered', 'refused', 'dropped', 'abandoned', 'pending']

/**
 * Asserts what the application tried: how many SMTP transactions named the inbox's address (refused and
 * dropped ones included), how the last one ended, and how far apart they were. It reads the attempts as
 * they are now: await what shows the application is done (the email, or the page telling the user) first.
 *
 * @example
 * await inbox.simulate({ greylist: { retryAfter: 1000 } })
 * await page.getByRole('button', { name: 'Sign up' }).click()
 * await inbox.waitForEmail({ subject: /Verify/ })
 * await expect(inbox).toHaveBeenAttempted({ times: 2, last: 'delivered', minInterval: 1000 })
 */
export async function toHaveBeenAttempted(
  this: MatcherState,
  received: unknown,
  expected: ToHaveBeenAttemptedOptions = {},
): Promise<MatcherResult> {
  const inbox = assertInbox(received, 'toHaveBeenAttempted')
  checkOptions(expected)
  const attempts = await inbox.attempts()
  const failures: string[] = []
  if (expected.times === undefined ? attempts.length === 0 : attempts.length !== expected.times)
    failures.push(`${count(attempts.length)}`)
  const last = attempts.at(-1)
  if (expected.last !== undefined && last?.outcome !== expected.last)
    failures.push(last ? `the last ${last.outcome}` : 'no last attempt')
  if (expected.minInterval !== undefined) {
    for (let i = 1; i < attempts.length; i++) {
      const gap = gapMs(attempts[i - 1] as SmtpAttempt, attempts[i] as SmtpAttempt)
      if (gap < expected.minInterval) {
        failures.push(`attempt ${i + 1} ${gap} ms after attempt ${i}`)
        break
      }
    }
  }
  const args = Object.keys(expected).length ? show(expected) : ''
  const wanted = [
    `${expected.times === undefined ? 'at least 1 attempt' : count(expected.times)} to ${inbox.address}`,
    ...(expected.last ? [`the last ${expected.last}`] : []),
    ...(expected.minInterval !== undefined ? [`at least ${expected.minInterval} ms apart`] : []),
  ]
  const pass = failures.length === 0
  return {
    pass,
    name: 'toHaveBeenAttempted',
    message: () =>
      formatMatcherMessage({
        subject: 'inbox',
        matcher: 'toHaveBeenAttempted',
        isNot: this.isNot,
        args,
        expected: wanted.join(', '),
        received: pass ? `${count(attempts.length)}` : failures.join(', '),
        details: attempts.length
          ? ['Attempts:', ...describeAttempts(attempts)]
          : [
              'No SMTP transaction named this address. Check that the application sends to this inbox server and address.',
            ],
      }),
  }
}

function count(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`
}

function gapMs(before: SmtpAttempt, after: SmtpAttempt): number {
  return after.at.getTime() - before.at.getTime()
}

function checkOptions(options: ToHaveBeenAttemptedOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options', options, '{ times?, last?, minInterval? }')
  for (const key of Object.keys(options)) {
    if (!['times', 'last', 'minInterval'].includes(key))
      throw new InvalidArgumentError(
        `options.${key}`,
        (options as Record<string, unknown>)[key],
        'one of times, last, minInterval',
      )
  }
  if (options.times !== undefined && (!Number.isInteger(options.times) || options.times < 0))
    throw new InvalidArgumentError('options.times', options.times, 'a whole number >= 0')
  if (options.last !== undefined && !OUTCOMES.includes(options.last))
    throw new InvalidArgumentError('options.last', options.last, `one of ${OUTCOMES.join(', ')}`)
  if (
    options.minInterval !== undefined &&
    (typeof options.minInterval !== 'number' ||
      !Number.isFinite(options.minInterval) ||
      options.minInterval < 0)
  )
    throw new InvalidArgumentError(
      'options.minInterval',
      options.minInterval,
      'a number of milliseconds >= 0',
    )
}

import type { CapturedEmail } from './captured-email.js'
import { describeQuery, type EmailQuery } from './email-query.js'
import { EmailTimeoutError } from './email-timeout-error.js'
import type { Inbox } from './inbox.js'
import { UnexpectedEmailError } from './unexpected-email-error.js'

/** What a runner wants to know about an inbox a test uses. Every hook is optional. */
export interface InboxObserver {
  /** Wraps each wait, e.g. as a report step; `title` reads `wait for email to a@x matching { … }`. */
  around?<T>(title: string, run: () => Promise<T>): Promise<T>
  /** Emails a wait returned. */
  onEmails?(emails: readonly CapturedEmail[]): void
  /**
   * A wait or expectNoEmail failed (timeout, unexpected email). `implicated` are the emails of this inbox the
   * failure names by id (a timeout's near misses, the unexpected email), for the evidence. Awaited before the
   * failure reaches the test.
   */
  onFailure?(error: unknown, implicated: readonly CapturedEmail[]): void | Promise<void>
  /**
   * Defaults for a wait (`timeout`) or an expectNoEmail (`within`) that gives none, asked at each call: the
   * environment's timeouts, capped by what the test has left so the wait fails with its own message (what
   * arrived instead) before the runner's test timeout does.
   */
  defaults?(): { timeout?: number; within?: number }
}

/**
 * The same inbox, with its waits reported to an observer: how the runner packages turn waits into report
 * steps and returned emails into evidence, written once for both.
 *
 * @example
 * const seen = new Set<CapturedEmail>()
 * const observed = observeInbox(inbox, { onEmails: (emails) => emails.forEach((e) => seen.add(e)) })
 */
export function observeInbox(inbox: Inbox, observer: InboxObserver): Inbox {
  const around = <T>(title: string, run: () => Promise<T>) =>
    observer.around ? observer.around(title, run) : run()
  const what = (query?: EmailQuery) =>
    query && Object.keys(query).length ? ` matching ${describeQuery(query)}` : ''
  const watched = <T>(run: () => Promise<T>, emails: (value: T) => readonly CapturedEmail[]) =>
    run().then(
      (value) => {
        observer.onEmails?.(emails(value))
        return value
      },
      async (error: unknown) => {
        if (observer.onFailure) {
          const ids = namedIds(error)
          const implicated = ids.length
            ? (await inbox.emails().catch(() => [])).filter((e) => ids.includes(e.id))
            : []
          await observer.onFailure(error, implicated)
        }
        throw error
      },
    )
  const timeout = <O extends { timeout?: number }>(options: O | undefined): O | undefined => {
    const fallback = options?.timeout === undefined ? observer.defaults?.().timeout : undefined
    return fallback === undefined ? options : ({ ...options, timeout: fallback } as O)
  }
  const within = <O extends { within?: number }>(options: O | undefined): O | undefined => {
    const fallback = options?.within === undefined ? observer.defaults?.().within : undefined
    return fallback === undefined ? options : ({ ...options, within: fallback } as O)
  }
  return {
    get address() {
      return inbox.address
    },
    waitForEmail: (query, options) =>
      around(`wait for email to ${inbox.address}${what(query)}`, () =>
        watched(
          () => inbox.waitForEmail(query, timeout(options)),
          (email) => [email],
        ),
      ),
    waitForEmails: (count, query, options) =>
      around(`wait for ${count} emails to ${inbox.address}${what(query)}`, () =>
        watched(
          () => inbox.waitForEmails(count, query, timeout(options)),
          (emails) => emails,
        ),
      ),
    emails: (query) => inbox.emails(query),
    get canSimulate() {
      return inbox.canSimulate
    },
    // Not a wait: the report's waits stay the emails a test waited for.
    simulate: (fault) => inbox.simulate(fault),
    attempts: () => inbox.attempts(),
    expectNoEmail: (query, options) =>
      around(`expect no email to ${inbox.address}${what(query)}`, () =>
        watched(
          () => inbox.expectNoEmail(query, within(options)),
          () => [],
        ),
      ),
    dispose: () => inbox.dispose(),
    [Symbol.asyncDispose]: () => inbox.dispose(),
  }
}

/** The ids of this inbox's emails a failure names: the near misses of a timeout, the unexpected email. */
function namedIds(error: unknown): string[] {
  if (error instanceof UnexpectedEmailError) return [error.emailId]
  if (error instanceof EmailTimeoutError) {
    return error.nearMisses.filter((m) => m.kind !== 'other-address').map((m) => m.id)
  }
  return []
}

/**
 * The wait defaults of one test: the environment's timeouts, a wait's capped by the time the test has left
 * (less a second to report the failure), so it fails with its own message before the runner's test timeout.
 * `testTimeoutMs` 0 means no test timeout.
 *
 * @example
 * observeInbox(inbox, { defaults: () => testWaitDefaults(environment.timeouts, 5_000, startedAt) })
 */
export function testWaitDefaults(
  timeouts: { email: number; noEmail: number },
  testTimeoutMs: number,
  startedAt: number,
  now = Date.now(),
): { timeout: number; within: number } {
  const left = testTimeoutMs > 0 ? testTimeoutMs - (now - startedAt) - 1000 : Number.POSITIVE_INFINITY
  // Only a wait is capped: a shorter no-email window would check less than it says, so it keeps its length
  // (and a test too short for it times out, rather than passing on a window it never watched).
  return { timeout: Math.max(0, Math.min(timeouts.email, left)), within: timeouts.noEmail }
}

import type { CapturedEmail, ContentCheckResult } from '@mailwright/core'
import type { TestEmailRecord } from './email-report.js'
import { reportEmail } from './report-email.js'

/**
 * Collects what one test does with email — the emails its waits returned (with how long each wait took),
 * every matcher call with its outcome and message, and every email its inbox captured — for the report. Both runners' fixtures keep one per test.
 *
 * @example
 * const recorder = new TestEmailRecorder('sandbox')
 * const email = await recorder.wait('wait for email', () => inbox.waitForEmail())
 * recorder.assertion('toHaveSubject', false, true, 'expect(email).toHaveSubject(…)', email)
 */
export class TestEmailRecorder {
  readonly #environment: string
  // By id: the same email comes back as a new object from each wait or listing (over HTTP, say).
  readonly #emails = new Map<
    string,
    {
      email: CapturedEmail
      waited: boolean
      asserted: boolean
      implicated?: boolean
      waitMs?: number
      checks?: ContentCheckResult[]
    }
  >()
  readonly #assertions: TestEmailRecord['assertions'] = []
  readonly #waits: TestEmailRecord['waits'] = []
  #waitStart: number | undefined

  constructor(environment: string) {
    this.#environment = environment
  }

  /** Times a wait; emails it returns (through `waited`) get its duration. */
  async wait<T>(title: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now()
    this.#waitStart = start
    try {
      const value = await run()
      this.#waits.push({ title, ms: round(performance.now() - start), outcome: 'ok' })
      return value
    } catch (error) {
      const message = (error as Error)?.message?.split('\n')[0]
      this.#waits.push({ title, ms: round(performance.now() - start), outcome: 'failed', error: message })
      throw error
    } finally {
      this.#waitStart = undefined
    }
  }

  /** Emails a wait returned. */
  waited(emails: readonly CapturedEmail[]): void {
    const waitMs = this.#waitStart === undefined ? undefined : round(performance.now() - this.#waitStart)
    for (const email of emails) {
      const entry = this.#entry(email)
      entry.waited = true
      entry.waitMs ??= waitMs
    }
  }

  /** Emails a failed wait named (near misses, an unexpected email): evidence, though never waited for. */
  implicated(emails: readonly CapturedEmail[]): void {
    for (const email of emails) this.#entry(email).implicated = true
  }

  /** Every email that reached the test's inbox, touched or not (so a gate can judge all captured mail). */
  captured(emails: readonly CapturedEmail[]): void {
    for (const email of emails) this.#entry(email)
  }

  /**
   * A matcher call and its outcome (`passed` already accounts for `.not`), with the content check it ran.
   */
  assertion(
    matcher: string,
    not: boolean,
    passed: boolean,
    message: string,
    email?: CapturedEmail,
    check?: ContentCheckResult,
  ): void {
    if (email) {
      const entry = this.#entry(email)
      entry.asserted = true
      if (check) entry.checks = [...(entry.checks ?? []), check]
    }
    // A passing matcher's message is the one `.not` would print: kept only when it failed.
    this.#assertions.push({
      matcher,
      not,
      passed,
      ...(email ? { email: email.id } : {}),
      ...(passed ? {} : { message }),
    })
  }

  /** The content checks matchers ran on an email in this test (for its evidence). */
  checksOf(email: CapturedEmail): readonly ContentCheckResult[] {
    return this.#emails.get(email.id)?.checks ?? []
  }

  /** The emails the test waited for, asserted on, or a failed wait named (its evidence). */
  get touched(): CapturedEmail[] {
    return [...this.#emails.values()]
      .filter((e) => e.waited || e.asserted || e.implicated)
      .map((e) => e.email)
  }

  toJSON(): TestEmailRecord {
    return {
      environment: this.#environment,
      emails: [...this.#emails.values()].map(({ email, ...how }) => reportEmail(email, how)),
      assertions: this.#assertions,
      waits: this.#waits,
    }
  }

  #entry(email: CapturedEmail) {
    let entry = this.#emails.get(email.id)
    if (!entry) {
      entry = { email, waited: false, asserted: false }
      this.#emails.set(email.id, entry)
    }
    return entry
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100

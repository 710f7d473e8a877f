import type { CapturedEmail } from '../captured-email.js'
import type { TestEmailRecord } from './email-report.js'
import { reportEmail } from './report-email.js'

/**
 * Collects what one test does with email — the emails its waits returned (with how long each wait took),
 * every matcher call with its outcome and message — for the report. Both runners' fixtures keep one per test.
 *
 * @example
 * const recorder = new TestEmailRecorder('sandbox')
 * const email = await recorder.wait('wait for email', () => inbox.waitForEmail())
 * recorder.assertion('toHaveSubject', false, true, 'expect(email).toHaveSubject(…)', email)
 */
export class TestEmailRecorder {
  readonly #environment: string
  readonly #emails = new Map<CapturedEmail, { waited: boolean; asserted: boolean; waitMs?: number }>()
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

  /** A matcher call and its outcome (`passed` already accounts for `.not`). */
  assertion(matcher: string, not: boolean, passed: boolean, message: string, email?: CapturedEmail): void {
    if (email) this.#entry(email).asserted = true
    // A passing matcher's message is the one `.not` would print: kept only when it failed.
    this.#assertions.push({
      matcher,
      not,
      passed,
      ...(email ? { email: email.id } : {}),
      ...(passed ? {} : { message }),
    })
  }

  /** The emails touched so far (for evidence). */
  get emails(): CapturedEmail[] {
    return [...this.#emails.keys()]
  }

  toJSON(): TestEmailRecord {
    return {
      environment: this.#environment,
      emails: [...this.#emails].map(([email, how]) => reportEmail(email, how)),
      assertions: this.#assertions,
      waits: this.#waits,
    }
  }

  #entry(email: CapturedEmail) {
    let entry = this.#emails.get(email)
    if (!entry) {
      entry = { waited: false, asserted: false }
      this.#emails.set(email, entry)
    }
    return entry
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100

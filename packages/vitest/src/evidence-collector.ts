import type { CapturedEmail, ContentCheckResult } from '@mailwright/core'
import { emailEvidence, type MatcherCall } from '@mailwright/core/internal'
import type { TestEmailRecorder } from '@mailwright/report'
import type { TestContext } from 'vitest'

/**
 * The running test's evidence: the emails it waited for or asserted on. Vitest takes annotations only
 * while a test runs, so they are written the moment a Mailwright check fails (or, with
 * MAILWRIGHT_EVIDENCE=always, as each email is touched), not after the test. One test at a time per
 * worker; under `test.concurrent` evidence may be shared between the concurrent tests.
 */
export class EvidenceCollector {
  readonly emails = new Set<CapturedEmail>()
  readonly #annotated = new Set<CapturedEmail>()
  readonly #checks = new Map<CapturedEmail, ContentCheckResult[]>()
  readonly #context: Pick<TestContext, 'annotate'>
  readonly #always: boolean
  /** What the test did with email, for the report (`task.meta.mailwright`). */
  readonly recorder: TestEmailRecorder | undefined
  #failed = false

  constructor(context: Pick<TestContext, 'annotate'>, always: boolean, recorder?: TestEmailRecorder) {
    this.#context = context
    this.#always = always
    this.recorder = recorder
  }

  get annotatedAll(): boolean {
    return [...this.emails].every((e) => this.#annotated.has(e))
  }

  touch(email: CapturedEmail | undefined, failed: boolean, call?: MatcherCall): void {
    if (email) this.emails.add(email)
    if (email && call?.check) this.#checks.set(email, [...(this.#checks.get(email) ?? []), call.check])
    if (call) this.recorder?.assertion(call.matcher, call.not, !failed, call.message, email, call.check)
    if (failed) this.#failed = true
    if (this.#failed || this.#always) {
      // An email already in the report gets the check that came after it as a file of its own.
      if (email && call?.check && this.#annotated.has(email)) this.#annotate(email, [call.check], true)
      this.#annotateAll()
    }
  }

  #annotateAll(): void {
    for (const email of this.emails) {
      if (this.#annotated.has(email)) continue
      this.#annotated.add(email)
      this.#annotate(email, this.#checks.get(email) ?? [], false)
    }
  }

  #annotate(email: CapturedEmail, checks: readonly ContentCheckResult[], checksOnly: boolean): void {
    const index = [...this.emails].indexOf(email) + 1
    for (const file of emailEvidence(email, index, checks)) {
      if (checksOnly && !file.name.endsWith('.checks.txt')) continue
      // A check that came after the email was attached gets a file of its own, numbered.
      if (checksOnly)
        file.name = file.name.replace(/\.checks\.txt$/, `.checks-${this.#checks.get(email)?.length ?? 2}.txt`)
      // Not awaited: Vitest awaits pending annotations before the test ends.
      this.#context
        .annotate(`${file.name}: ${email.describe()}`, 'mailwright', {
          body: file.body,
          contentType: file.contentType,
        })
        .catch(() => {})
    }
  }
}

let current: EvidenceCollector | undefined

export function startCollecting(collector: EvidenceCollector): void {
  current = collector
}

export function stopCollecting(collector: EvidenceCollector): void {
  if (current === collector) current = undefined
}

export function recordEmail(email: CapturedEmail | undefined, failed: boolean, call?: MatcherCall): void {
  current?.touch(email, failed, call)
}

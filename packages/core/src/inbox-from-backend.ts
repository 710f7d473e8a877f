import type { CapturedEmail } from './captured-email.js'
import { type EmailQuery, validateQuery } from './email-query.js'
import { EmailTimeoutError } from './email-timeout-error.js'
import { FaultsUnsupportedError } from './faults-unsupported-error.js'
import {
  DEFAULT_NO_EMAIL_WINDOW,
  DEFAULT_WAIT_TIMEOUT,
  type ExpectNoEmailOptions,
  type Inbox,
  type WaitOptions,
} from './inbox.js'
import type { InboxBackend } from './inbox-backend.js'
import { InboxDisposedError } from './inbox-disposed-error.js'
import { InvalidArgumentError } from './invalid-argument-error.js'
import {
  faultNeverActsError,
  hidingFault,
  type InboxFault,
  type ResolvedFault,
  resolveFault,
  type SmtpAttempt,
} from './smtp-fault.js'
import { scaledTimeout } from './time-scale.js'
import { UnexpectedEmailError } from './unexpected-email-error.js'

/** Options of {@link inboxFromBackend}. */
export interface InboxFromBackendOptions {
  /** Default for `waitForEmail`'s timeout, in ms. */
  timeout?: number
  /** Default for `expectNoEmail`'s window, in ms. */
  noEmailWindow?: number
  /** Near misses to other addresses are reported from this instant on. Default: now. */
  createdAt?: Date
}

/**
 * Wraps an {@link InboxBackend} into the {@link Inbox} contract: each email is handed out by one wait
 * only, timeouts become EmailTimeoutError with near misses, and dispose() cancels pending waits.
 *
 * @example
 * const inbox = inboxFromBackend('alice+k3f9@inbox.test', backend, { timeout: 120_000 })
 * const email = await inbox.waitForEmail({ subject: /Verify/ })
 */
export function inboxFromBackend(
  address: string,
  backend: InboxBackend,
  options: InboxFromBackendOptions = {},
): Inbox {
  return new BackendInbox(address, backend, options)
}

class BackendInbox implements Inbox {
  readonly address: string
  readonly #backend: InboxBackend
  readonly #delivered = new Set<string>()
  readonly #pending = new Set<AbortController>()
  readonly #faults: ResolvedFault[] = []
  readonly #createdAt: Date
  readonly #timeout: number
  readonly #noEmailWindow: number
  #disposed = false

  constructor(address: string, backend: InboxBackend, options: InboxFromBackendOptions) {
    this.address = address
    this.#backend = backend
    this.#createdAt = options.createdAt ?? new Date()
    this.#timeout = checkMs('timeout', options.timeout ?? scaledTimeout(DEFAULT_WAIT_TIMEOUT))
    this.#noEmailWindow = checkMs(
      'noEmailWindow',
      options.noEmailWindow ?? scaledTimeout(DEFAULT_NO_EMAIL_WINDOW),
    )
  }

  async waitForEmail(query?: EmailQuery, options?: WaitOptions): Promise<CapturedEmail> {
    const [email] = await this.waitForEmails(1, query, options)
    return email as CapturedEmail
  }

  async waitForEmails(
    count: number,
    query?: EmailQuery,
    options: WaitOptions = {},
  ): Promise<CapturedEmail[]> {
    if (!Number.isInteger(count) || count < 1)
      throw new InvalidArgumentError('count', count, 'a whole number >= 1')
    const checked = validateQuery(query)
    const timeoutMs = checkMs('timeout', options.timeout ?? this.#timeout)
    const result = await this.#wait(checked, count, timeoutMs)
    if (result.status === 'timeout') {
      // What the application tried tells a timeout from a refusal: asked only when the wait failed.
      const attempts = await this.#backend.attempts?.(this.address).catch(() => undefined)
      throw new EmailTimeoutError({
        ...(attempts ? { attempts } : {}),
        address: this.address,
        query: checked,
        timeoutMs,
        expected: count,
        received: result.received,
        nearMisses: result.nearMisses,
        viewUrl: this.#backend.viewUrl?.(this.address),
      })
    }
    for (const email of result.emails) this.#delivered.add(email.id)
    return result.emails
  }

  async emails(query?: EmailQuery): Promise<CapturedEmail[]> {
    this.#assertOpen()
    return this.#backend.list(this.address, validateQuery(query), this.#createdAt)
  }

  async expectNoEmail(query?: EmailQuery, options: ExpectNoEmailOptions = {}): Promise<void> {
    const checked = validateQuery(query)
    const within = checkMs('within', options.within ?? this.#noEmailWindow)
    const result = await this.#wait(checked, 1, within)
    if (result.status === 'ok') {
      const email = result.emails[0] as CapturedEmail
      throw new UnexpectedEmailError({
        address: this.address,
        query: checked,
        withinMs: within,
        emailId: email.id,
        email: email.describe(),
      })
    }
  }

  get canSimulate(): boolean {
    return typeof this.#backend.simulate === 'function' && typeof this.#backend.attempts === 'function'
  }

  async simulate(fault: InboxFault): Promise<void> {
    this.#assertOpen()
    // Checked here too, so a mistake throws at the test's own line, with its stack; every fault of this
    // address comes through this inbox (an environment's too), so one that could never act is caught here.
    const resolved = resolveFault(fault, 'inbox')
    const hiding = hidingFault(this.#faults, resolved)
    if (hiding) throw faultNeverActsError(this.address, fault, hiding)
    if (!this.#backend.simulate) throw new FaultsUnsupportedError(this.address, 'simulate')
    await this.#backend.simulate(this.address, fault)
    this.#faults.push(resolved)
  }

  async attempts(): Promise<SmtpAttempt[]> {
    this.#assertOpen()
    if (!this.#backend.attempts) throw new FaultsUnsupportedError(this.address, 'attempts')
    return this.#backend.attempts(this.address)
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    for (const controller of this.#pending) controller.abort(new InboxDisposedError(this.address))
    this.#pending.clear()
    await this.#backend.release?.(this.address)
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }

  async #wait(query: EmailQuery, count: number, timeoutMs: number) {
    this.#assertOpen()
    const controller = new AbortController()
    this.#pending.add(controller)
    try {
      const request = {
        address: this.address,
        query,
        count,
        timeoutMs,
        exclude: [...this.#delivered],
        notBefore: this.#createdAt,
      }
      const result = await raceAbort(this.#backend.wait(request, controller.signal), controller.signal)
      return result
    } finally {
      this.#pending.delete(controller)
    }
  }

  #assertOpen() {
    if (this.#disposed) throw new InboxDisposedError(this.address)
  }
}

// A back end that ignores the signal must still not keep a disposed inbox's caller waiting.
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(signal.aborted ? signal.reason : error)
      },
    )
  })
}

function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(name, value, 'a number of milliseconds >= 0')
  }
  return value
}

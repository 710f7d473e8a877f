import { EventEmitter } from 'node:events'
import type { CapturedEmail } from './captured-email.js'
import { type EmailQuery, explainMismatch } from './email-query.js'
import type { InboxBackend, WaitRequest, WaitResult } from './inbox-backend.js'
import { type NearMiss, nearMiss } from './near-miss.js'

/**
 * An {@link InboxBackend} over emails that are pushed to it as they arrive (an IMAP IDLE, a websocket, an
 * event stream): waits resolve on `add()`, never by polling. An email belongs to an inbox when its envelope
 * recipients name the inbox's address. Fetches started by `track()` run one after another, and `list()` and
 * timeouts wait for those in flight, so nothing announced is missed.
 *
 * @example
 * const feed = new EmailFeed()
 * socket.on('new', (id) => feed.track(async () => feed.add(await fetchEmail(id))))
 * const inbox = inboxFromBackend('alice+k3f9@inbox.test', feed)
 */
export class EmailFeed implements InboxBackend {
  readonly #emails: CapturedEmail[] = []
  readonly #ids = new Set<string>()
  readonly #events = new EventEmitter<{ email: [CapturedEmail] }>()
  #queue: Promise<void> = Promise.resolve()
  #failure: Error | undefined

  /** Takes an email in (once per id) and hands it to the waits it satisfies. */
  add(email: CapturedEmail): void {
    if (this.#ids.has(email.id)) return
    this.#ids.add(email.id)
    this.#emails.push(email)
    this.#events.emit('email', email)
  }

  /** Whether an email with this id was taken in already. */
  has(id: string): boolean {
    return this.#ids.has(id)
  }

  /**
   * Runs a fetch after those before it. A failure is kept and reported by the next `list()` or timeout,
   * so a broken back end is not mistaken for "no email".
   */
  track(task: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(task).catch((error: Error) => {
      this.#failure = error
    })
    return this.#queue
  }

  /** Resolves once the fetches started so far are done; rejects with the last failure, if any. */
  async settled(): Promise<void> {
    await this.#queue
    const failure = this.#failure
    this.#failure = undefined
    if (failure) throw failure
  }

  async list(address: string, query: EmailQuery): Promise<CapturedEmail[]> {
    await this.settled()
    return this.#emails.filter((e) => belongs(e, address) && explainMismatch(query, e).length === 0)
  }

  wait(request: WaitRequest, signal: AbortSignal): Promise<WaitResult> {
    return new Promise((resolve, reject) => {
      const exclude = new Set(request.exclude)
      const found: CapturedEmail[] = []
      const consider = (email: CapturedEmail) => {
        if (
          exclude.has(email.id) ||
          !belongs(email, request.address) ||
          explainMismatch(request.query, email).length > 0
        )
          return
        found.push(email)
        if (found.length >= request.count) finish({ status: 'ok', emails: found.slice(0, request.count) })
      }
      let done = false
      const finish = (result: WaitResult | Error) => {
        if (done) return
        done = true
        clearTimeout(timer)
        this.#events.off('email', consider)
        signal.removeEventListener('abort', onAbort)
        result instanceof Error ? reject(result) : resolve(result)
      }
      const onAbort = () => finish(signal.reason as Error)
      const timer = setTimeout(() => {
        // Whatever was announced before the deadline still counts; a failed fetch is an error, not a miss.
        this.settled().then(
          () =>
            finish({
              status: 'timeout',
              received: found.length,
              nearMisses: this.#nearMisses(request, exclude),
            }),
          (error: Error) => finish(error),
        )
      }, request.timeoutMs)
      signal.addEventListener('abort', onAbort, { once: true })
      this.#events.on('email', consider)
      for (const email of this.#emails) if (!done && found.length < request.count) consider(email)
    })
  }

  #nearMisses(request: WaitRequest, exclude: Set<string>): NearMiss[] {
    const misses: NearMiss[] = []
    for (const email of this.#emails) {
      if (belongs(email, request.address)) {
        const reasons = explainMismatch(request.query, email)
        if (reasons.length) misses.push(nearMiss('this-inbox', email, reasons))
        else if (exclude.has(email.id)) misses.push(nearMiss('already-returned', email, []))
      } else if (
        email.receivedAt >= request.notBefore &&
        explainMismatch(request.query, email, ['to']).length === 0
      ) {
        misses.push(nearMiss('other-address', email, []))
      }
    }
    return misses.slice(-20)
  }
}

function belongs(email: CapturedEmail, address: string): boolean {
  return email.envelope.rcptTo.includes(address.toLowerCase())
}

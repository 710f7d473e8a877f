import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import {
  type CapturedEmail,
  type CodeOptions,
  type EmailAuth,
  type EmailEnvelope,
  type EmailQuery,
  type EmailSummary,
  InboxStoppedError,
  type NearMiss,
  PatternTimeoutError,
  type SendingProfile,
} from '@mailwright/core'
import {
  failedCheck,
  headerOnlyEmail,
  matchText,
  nearMiss,
  queryChecks,
  queryNeedsBody,
  summarizeEmail,
} from '@mailwright/core/internal'
import type { WaitRequest, WaitResult } from '@mailwright/core/plugin'
import { ParsePool } from './parse-pool.js'
import { PatternPool } from './pattern-pool.js'
import { WorkerBudgetExceeded } from './worker-pool.js'

/** How long and how much the capture keeps. Whatever limit is hit first evicts the oldest emails. */
export interface RetentionOptions {
  /** Most emails kept. Default 10,000. */
  maxEmails?: number
  /** Oldest email kept, in ms. Default 1 hour. */
  maxAgeMs?: number
  /** Most raw bytes kept, over all emails. Default 512 MiB. */
  maxBytes?: number
}

/** An email as stored: raw bytes and envelope at once; summary and parse on first need, then cached. */
export interface StoredEmail {
  readonly id: string
  readonly raw: Buffer
  readonly envelope: EmailEnvelope
  readonly receivedAt: Date
  /** Lower-cased envelope recipients: the inboxes this email belongs to. */
  readonly recipients: readonly string[]
  readonly captureWarnings: readonly string[]
  /** What was cut short by a budget (the verdict or the body parse), added to the parsed email's warnings. */
  budgetWarnings?: string[]
  summary?: EmailSummary
  parsed?: Promise<CapturedEmail>
  auth?: Promise<EmailAuth | undefined>
}

/** A wait's outcome before parsing: the stored emails, or a timeout with near misses. */
export type StoredWaitResult =
  | { status: 'ok'; emails: StoredEmail[] }
  | { status: 'timeout'; received: number; nearMisses: NearMiss[] }

/** Counters shown by the stats endpoint. */
export interface StoreStats {
  emails: number
  bytes: number
  received: number
  evicted: { total: number; count: number; age: number; bytes: number }
  retention: Required<RetentionOptions>
  /** Waits pending right now (in process and over HTTP). */
  waits: number
}

// Reporting near misses for other addresses never scans more than this many recent emails, so a timeout
// under load costs a bounded amount of work.
const NEAR_MISS_SCAN = 500
const NEAR_MISS_LIMIT = 10

/**
 * The capture's memory: emails in arrival order, indexed by recipient, with pushed waits. Emits `email`
 * for every stored email (the SSE stream listens to it). Memory is bounded by {@link RetentionOptions}.
 */
export class EmailStore extends EventEmitter<{ email: [StoredEmail]; close: [] }> {
  readonly retention: Required<RetentionOptions>
  readonly #codes: CodeOptions | undefined
  readonly #profile: SendingProfile | undefined
  readonly #byId = new Map<string, StoredEmail>()
  readonly #byRecipient = new Map<string, StoredEmail[]>()
  readonly #waiters = new Map<string, Set<(email: StoredEmail) => void>>()
  readonly #prefix = randomBytes(3).toString('hex')
  #seq = 0
  #bytes = 0
  #received = 0
  readonly #evicted = { count: 0, age: 0, bytes: 0 }
  readonly #sweeper: NodeJS.Timeout
  readonly #patterns: PatternPool
  readonly #workers: ParsePool
  /** Every pending wait's way to end, for close(). */
  readonly #pending = new Map<(error: Error) => void, string>()
  #closed = false

  constructor(
    options: {
      retention?: RetentionOptions
      codes?: CodeOptions
      sendingProfile?: SendingProfile
      /** The time one query's patterns may take on one email before it fails. Default 1 s. */
      patternBudgetMs?: number
      /** The time one email's body parse may take on a worker before it is kept headers-only. Default 10 s. */
      parseBudgetMs?: number
    } = {},
  ) {
    super()
    // Every SSE client listens for stored emails: many listeners are expected, not a leak.
    this.setMaxListeners(0)
    this.#patterns = new PatternPool({ budgetMs: options.patternBudgetMs })
    this.#workers = new ParsePool({ parseBudgetMs: options.parseBudgetMs })
    this.retention = {
      maxEmails: options.retention?.maxEmails ?? 10_000,
      maxAgeMs: options.retention?.maxAgeMs ?? 60 * 60 * 1000,
      maxBytes: options.retention?.maxBytes ?? 512 * 1024 * 1024,
    }
    this.#codes = options.codes
    this.#profile = options.sendingProfile
    this.#sweeper = setInterval(
      () => this.#evict(),
      Math.min(60_000, Math.max(1000, this.retention.maxAgeMs / 10)),
    )
    this.#sweeper.unref()
  }

  /** Stores an email and wakes the waits of its recipients. Nothing is parsed here. */
  add(raw: Buffer, envelope: EmailEnvelope, captureWarnings: readonly string[] = []): StoredEmail {
    this.#seq += 1
    const recipients = [...new Set(envelope.rcptTo.map((r) => r.toLowerCase()))]
    const email: StoredEmail = {
      id: `${this.#prefix}-${this.#seq.toString(36)}`,
      raw,
      envelope,
      receivedAt: new Date(),
      recipients,
      captureWarnings,
    }
    this.#byId.set(email.id, email)
    for (const r of recipients) {
      let list = this.#byRecipient.get(r)
      if (!list) {
        list = []
        this.#byRecipient.set(r, list)
      }
      list.push(email)
    }
    this.#bytes += raw.length
    this.#received += 1
    this.#evict()
    for (const r of recipients) {
      const waiters = this.#waiters.get(r)
      if (waiters) for (const wake of [...waiters]) wake(email)
    }
    this.emit('email', email)
    return email
  }

  get(id: string): StoredEmail | undefined {
    return this.#byId.get(id)
  }

  /** Emails of one recipient (or all), oldest first. */
  emailsFor(address?: string): readonly StoredEmail[] {
    if (address === undefined) return [...this.#byId.values()]
    return this.#byRecipient.get(address.toLowerCase()) ?? []
  }

  delete(id: string): boolean {
    const email = this.#byId.get(id)
    if (!email) return false
    this.#remove(email)
    return true
  }

  /** Deletes every email of one recipient (or all); returns how many went. */
  clear(address?: string): number {
    const victims = [...this.emailsFor(address)]
    for (const email of victims) this.#remove(email)
    return victims.length
  }

  summary(email: StoredEmail): EmailSummary {
    email.summary ??= summarizeEmail(email.raw, this.#meta(email))
    return email.summary
  }

  /** The verdict under the sending profile (none without one); computed once, never on the reply path. */
  // Both run on worker threads within a budget: one hostile email never stalls anyone else.
  auth(email: StoredEmail): Promise<EmailAuth | undefined> {
    const profile = this.#profile
    email.auth ??= profile
      ? this.#workers.auth(email.raw, this.#meta(email), profile).catch((error: unknown) => {
          if (!(error instanceof WorkerBudgetExceeded)) throw this.#stoppedOr(error, email)
          email.budgetWarnings = [
            ...(email.budgetWarnings ?? []),
            `no authentication verdict: computing it took over ${error.budgetMs} ms (slow or unanswered DNS?)`,
          ]
          return undefined
        })
      : Promise.resolve(undefined)
    return email.auth
  }

  parsed(email: StoredEmail): Promise<CapturedEmail> {
    email.parsed ??= this.auth(email).then((auth) => {
      const meta = { ...this.#meta(email), auth }
      return this.#workers.parse(email.raw, meta, this.#codes).catch((error: unknown) => {
        if (this.#closed) throw this.#stoppedOr(error, email)
        // Past the budget, or a parser that crashed or ran out of memory on this email: the email stays
        // usable from its headers, and says why.
        const why =
          error instanceof WorkerBudgetExceeded
            ? `it took over ${error.budgetMs} ms (parse budget)`
            : `the parser failed (${(error as Error).message.split('\n')[0]})`
        return headerOnlyEmail(
          email.raw,
          meta,
          `body not parsed: ${why}, so text, html, attachments, links and codes are empty; the raw bytes are kept`,
        )
      })
    })
    return email.parsed
  }

  /** Whether the email matches; parses the body only when the query looks at it. */
  async matches(
    email: StoredEmail,
    query: EmailQuery,
    ignore: ReadonlyArray<keyof EmailQuery> = [],
  ): Promise<boolean> {
    return (await this.mismatches(email, query, ignore)).length === 0
  }

  /**
   * Why the email does not match (none when it does). Plain strings are matched here; patterns run on the
   * pattern pool's threads within the budget, so a catastrophic one fails its query with a
   * {@link PatternTimeoutError} instead of stalling everyone.
   */
  async mismatches(email: StoredEmail, query: EmailQuery, ignore: ReadonlyArray<keyof EmailQuery> = []) {
    const target = queryNeedsBody(query) ? await this.parsed(email) : this.summary(email)
    const { checks, reasons } = queryChecks(query, target, ignore)
    const patterns = checks.filter((c) => c.matcher instanceof RegExp)
    let results: boolean[]
    try {
      results = await this.#patterns.test(
        patterns.map((c) => ({
          source: (c.matcher as RegExp).source,
          flags: (c.matcher as RegExp).flags,
          values: c.values,
        })),
      )
    } catch (error) {
      if (!(error instanceof WorkerBudgetExceeded)) throw this.#stoppedOr(error, email)
      const fields = patterns.map((c) => c.field).join(' and ')
      throw new PatternTimeoutError(
        patterns.map((c) => c.matcher as RegExp),
        this.#patterns.budgetMs,
        `the ${fields} of email ${email.id}`,
      )
    }
    const failed = checks.filter((c) =>
      c.matcher instanceof RegExp
        ? !results[patterns.indexOf(c)]
        : !c.values.some((v) => matchText(c.matcher, v)),
    )
    return [...failed.map(failedCheck), ...reasons]
  }

  /** Matching emails for an address (or all), oldest first, fully parsed. */
  async list(
    address: string | undefined,
    query: EmailQuery,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<CapturedEmail[]> {
    const found: StoredEmail[] = []
    for (const email of this.emailsFor(address)) {
      if (found.length >= limit) break
      if (await this.matches(email, query)) found.push(email)
    }
    return Promise.all(found.map((e) => this.parsed(e)))
  }

  /**
   * Resolves once `count` matching emails exist for the address, counting the ones already stored, woken
   * by {@link add} (never polled); at the timeout resolves with near misses instead.
   */
  async wait(request: WaitRequest, signal?: AbortSignal): Promise<WaitResult> {
    const result = await this.waitStored(request, signal)
    if (result.status === 'timeout') return result
    return { status: 'ok', emails: await Promise.all(result.emails.map((e) => this.parsed(e))) }
  }

  /**
   * {@link wait} without the final parse: the HTTP API sends the raw bytes and the client parses, so the
   * server never parses a body the query did not need.
   */
  waitStored(request: WaitRequest, signal?: AbortSignal): Promise<StoredWaitResult> {
    const address = request.address.toLowerCase()
    if (this.#closed) return Promise.reject(new InboxStoppedError(address))
    const exclude = new Set(request.exclude)
    return new Promise<StoredWaitResult>((resolve, reject) => {
      const found: StoredEmail[] = []
      let done = false
      // Matching may parse, which is async; a chain keeps the found emails in arrival order.
      let chain: Promise<void> = Promise.resolve()
      const end = (error: Error) => finish(() => Promise.reject(error))
      const finish = (outcome: () => Promise<StoredWaitResult>) => {
        if (done) return
        done = true
        this.#pending.delete(end)
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        waiters.delete(consider)
        if (waiters.size === 0) this.#waiters.delete(address)
        outcome().then(resolve, reject)
      }
      const consider = (email: StoredEmail) => {
        if (exclude.has(email.id)) return
        chain = chain.then(async () => {
          if (done || !(await this.matches(email, request.query))) return
          found.push(email)
          if (found.length >= request.count) {
            finish(async () => ({ status: 'ok', emails: found }))
          }
        })
        // A failed match (a pattern past its budget) ends this wait with the error, and only this wait.
        chain = chain.catch((error: unknown) => finish(() => Promise.reject(error)))
      }
      this.#pending.set(end, address)
      const onAbort = () => finish(() => Promise.reject(signal?.reason))
      const waiters = this.#waiters.get(address) ?? new Set()
      this.#waiters.set(address, waiters)
      waiters.add(consider)
      signal?.addEventListener('abort', onAbort, { once: true })
      const timer = setTimeout(() => {
        // Let matches already under way finish first: an email that arrived in time still counts.
        chain.then(() =>
          finish(async () => ({
            status: 'timeout',
            received: found.length,
            nearMisses: await this.#nearMisses(address, request, exclude),
          })),
        )
      }, request.timeoutMs)
      for (const email of this.emailsFor(address)) consider(email)
      if (signal?.aborted) onAbort()
    })
  }

  stats(): StoreStats {
    const { count, age, bytes } = this.#evicted
    return {
      emails: this.#byId.size,
      bytes: this.#bytes,
      received: this.#received,
      evicted: { total: count + age + bytes, count, age, bytes },
      retention: this.retention,
      waits: this.#pending.size,
    }
  }

  /** Ends every pending wait with an {@link InboxStoppedError}, tells listeners (`close`), stops the workers. */
  close(): void {
    this.#closed = true
    clearInterval(this.#sweeper)
    for (const [end, address] of [...this.#pending]) end(new InboxStoppedError(address))
    this.emit('close')
    void this.#patterns.close()
    void this.#workers.close()
  }

  async #nearMisses(address: string, request: WaitRequest, exclude: Set<string>): Promise<NearMiss[]> {
    const misses: NearMiss[] = []
    for (const email of this.emailsFor(address).slice(-NEAR_MISS_SCAN)) {
      const reasons = await this.mismatches(email, request.query)
      if (reasons.length > 0) misses.push(nearMiss('this-inbox', this.summary(email), reasons))
      else if (exclude.has(email.id)) misses.push(nearMiss('already-returned', this.summary(email), []))
    }
    const others: NearMiss[] = []
    const recent = [...this.#byId.values()].slice(-NEAR_MISS_SCAN).reverse()
    for (const email of recent) {
      if (others.length >= NEAR_MISS_LIMIT) break
      if (email.receivedAt < request.notBefore || email.recipients.includes(address)) continue
      if (await this.matches(email, request.query, ['to'])) {
        others.push(nearMiss('other-address', this.summary(email), []))
      }
    }
    return [...misses.slice(-NEAR_MISS_LIMIT), ...others.reverse()]
  }

  // Once the store is closed, its pools refuse work: that is the server stopping, not a failure.
  #stoppedOr(error: unknown, email: StoredEmail): unknown {
    return this.#closed ? new InboxStoppedError(email.recipients[0] ?? 'an inbox') : error
  }

  #meta(email: StoredEmail) {
    return {
      id: email.id,
      envelope: email.envelope,
      receivedAt: email.receivedAt,
      warnings: [...email.captureWarnings, ...(email.budgetWarnings ?? [])],
    }
  }

  #evict(): void {
    const { maxEmails, maxAgeMs, maxBytes } = this.retention
    const oldestAllowed = Date.now() - maxAgeMs
    for (const email of this.#byId.values()) {
      let reason: 'count' | 'age' | 'bytes' | undefined
      if (this.#byId.size > maxEmails) reason = 'count'
      else if (this.#bytes > maxBytes) reason = 'bytes'
      else if (email.receivedAt.getTime() < oldestAllowed) reason = 'age'
      if (!reason) break
      this.#remove(email)
      this.#evicted[reason] += 1
    }
  }

  #remove(email: StoredEmail): void {
    if (!this.#byId.delete(email.id)) return
    this.#bytes -= email.raw.length
    for (const r of email.recipients) {
      const list = this.#byRecipient.get(r)
      if (!list) continue
      const index = list[0] === email ? 0 : list.indexOf(email)
      if (index >= 0) list.splice(index, 1)
      if (list.length === 0) this.#byRecipient.delete(r)
    }
  }
}

import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import {
  type CapturedEmail,
  type CodeOptions,
  type EmailAuth,
  type EmailEnvelope,
  type EmailMeta,
  type EmailQuery,
  type EmailSummary,
  InboxStoppedError,
  type NearMiss,
  PatternTimeoutError,
  type SendingProfile,
} from '@mailwright/core'
import {
  emailToJson,
  failedCheck,
  headerOnlyEmail,
  matchText,
  nearMiss,
  type QueryCheck,
  type QueryTarget,
  queryChecks,
  queryNeedsBody,
  summarizeEmail,
  WorkerBudgetExceeded,
  webUiUrl,
} from '@mailwright/core/internal'
import type { WaitRequest, WaitResult } from '@mailwright/core/plugin'
import { ParsePool } from './parse-pool.js'
import { PatternPool } from './pattern-pool.js'

/** How long and how much the capture keeps. Whatever limit is hit first evicts the oldest emails. */
export interface RetentionOptions {
  /** Most emails kept. Default 10,000. */
  maxEmails?: number
  /** Oldest email kept, in ms. Default 1 hour. */
  maxAgeMs?: number
  /** Most raw bytes kept, over all emails. Default 512 MiB. */
  maxBytes?: number
}

/**
 * An email as stored: raw bytes and envelope at once; its index entry (what queries and listings look at)
 * when the loop is idle or on first need; the full parse on first need, kept in a bounded cache.
 */
export interface StoredEmail {
  readonly id: string
  /** The exact bytes received (joined from the socket's reads on first use). */
  readonly raw: Buffer
  /** The raw size in bytes. */
  readonly size: number
  /**
   * The bytes that hold the header section: the first socket read when the blank line is in it (so reading
   * headers never joins a large body), else all of {@link raw}.
   */
  readonly head: Buffer
  readonly envelope: EmailEnvelope
  readonly receivedAt: Date
  /** Lower-cased envelope recipients: the inboxes this email belongs to. */
  readonly recipients: readonly string[]
  readonly captureWarnings: readonly string[]
  /** What was cut short by a budget (the verdict or the body parse), added to the parsed email's warnings. */
  budgetWarnings?: string[]
  /** Why the body could not be parsed, once that happened: it is not tried again. */
  parseFailure?: string
  /** Subject, addresses, size: the summary without its headers, built once (see {@link EmailStore.overview}). */
  overview?: EmailSummary
  auth?: Promise<EmailAuth | undefined>
}

// A message that arrived in several socket reads keeps them as they are: joining them (a fresh 100 KB
// allocation and copy per message) is done only when the whole message is needed (a parse, a download),
// never on the reply path (at 100 KB that join was a quarter of the ingest cost) and not for the index,
// which reads the headers from the first read.
class StoredRecord implements StoredEmail {
  #raw: Buffer | undefined
  #chunks: readonly Buffer[] | undefined
  readonly size: number
  budgetWarnings?: string[]
  parseFailure?: string
  overview?: EmailSummary
  auth?: Promise<EmailAuth | undefined>

  constructor(
    readonly id: string,
    raw: Buffer | readonly Buffer[],
    readonly envelope: EmailEnvelope,
    readonly recipients: readonly string[],
    readonly captureWarnings: readonly string[],
    readonly receivedAt = new Date(),
  ) {
    if (Buffer.isBuffer(raw)) {
      this.#raw = raw
      this.size = raw.length
    } else {
      this.#chunks = raw
      this.size = raw.reduce((sum, chunk) => sum + chunk.length, 0)
    }
  }

  get head(): Buffer {
    const first = this.#chunks?.[0]
    return first && headerEndsIn(first) ? first : this.raw
  }

  get raw(): Buffer {
    if (!this.#raw) {
      this.#raw = Buffer.concat(this.#chunks ?? [], this.size)
      this.#chunks = undefined
    }
    return this.#raw
  }
}

// Where core's header parser stops: the first blank line (CRLF CRLF, or LF LF in mail accepted with bare
// line endings), or an empty header section.
function headerEndsIn(bytes: Buffer): boolean {
  return (
    bytes.indexOf('\n\n') >= 0 || bytes.indexOf('\n\r\n') >= 0 || (bytes[0] === 0x0d && bytes[1] === 0x0a)
  )
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
// Near misses are checked a few emails at a time: their bodies go to the pattern threads, and a timeout
// needs an answer soon after it.
const NEAR_MISS_BATCH = 16
// Synchronous work on many emails (summaries, plain-text checks, JSON) gives the event loop a turn after this
// long, so a listing over 50,000 emails never holds an SMTP reply or another request for more than a slice.
export const SLICE_MS = 4
const NO_HEADERS: readonly [] = Object.freeze([])
const NO_WARNINGS: readonly string[] = Object.freeze([])
// Pattern checks of a listing go to the pattern threads in batches of this many emails: one round trip
// per batch, not per email.
const PATTERN_BATCH = 256
// Parsed emails (bodies, attachments) are kept for reuse up to these bounds; past them the least recently
// used is dropped and parsed again if asked for. The raw bytes are always kept.
const PARSED_CACHE_EMAILS = 512
const PARSED_CACHE_BYTES = 64 * 1024 * 1024
// The header index is built only when no email arrived for this long, so it never slows ingest down.
const INDEX_IDLE_MS = 20

/**
 * A clock for sliced work: `await tick()` returns at once until the slice has run {@link SLICE_MS}, then
 * waits for its turn: one slice of all the sliced work in the process runs per event-loop iteration, so
 * four clients listing at once take turns instead of adding up to one long iteration, and SMTP, timers
 * and other requests run between every two slices.
 */
export function sliceClock(): () => Promise<void> {
  let started = performance.now()
  return async () => {
    if (performance.now() - started < SLICE_MS) return
    await nextTurn()
    started = performance.now()
  }
}

const turns: Array<() => void> = []
let turnScheduled = false
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    turns.push(resolve)
    if (!turnScheduled) {
      turnScheduled = true
      setImmediate(takeTurn)
    }
  })
}
// Resumes one waiting slice; the next is resumed in the next iteration (setImmediate from the check phase).
function takeTurn(): void {
  const resume = turns.shift()
  turnScheduled = turns.length > 0
  if (turnScheduled) setImmediate(takeTurn)
  resume?.()
}

/**
 * The capture's memory: emails in arrival order, indexed by recipient, with pushed waits. Emits `email`
 * for every stored email and `remove` for every one deleted or evicted (the SSE stream listens to both). Memory is bounded by {@link RetentionOptions}.
 */
export class EmailStore extends EventEmitter<{ email: [StoredEmail]; remove: [StoredEmail]; close: [] }> {
  readonly retention: Required<RetentionOptions>
  /** Where the web UI is (`http://127.0.0.1:8025`), once HTTP listens: parsed emails carry their link. */
  webUi: string | undefined
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
  readonly #parsed = new Map<StoredEmail, Promise<CapturedEmail>>()
  #parsedBytes = 0
  // Emails whose index entry is not built yet, oldest first; the idle indexer works through them.
  readonly #unindexed = new Set<StoredEmail>()
  #indexer: NodeJS.Timeout | undefined
  #lastAdd = 0
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

  /**
   * Stores an email (its bytes, or the socket reads that hold them in order) and wakes the waits of its
   * recipients. Nothing is parsed here.
   */
  add(
    raw: Buffer | readonly Buffer[],
    envelope: EmailEnvelope,
    captureWarnings: readonly string[] = NO_WARNINGS,
  ): StoredEmail {
    this.#seq += 1
    const recipients =
      envelope.rcptTo.length === 1
        ? [(envelope.rcptTo[0] as string).toLowerCase()]
        : [...new Set(envelope.rcptTo.map((r) => r.toLowerCase()))]
    const email = new StoredRecord(
      `${this.#prefix}-${this.#seq.toString(36)}`,
      raw,
      envelope,
      recipients,
      captureWarnings,
    )
    this.#byId.set(email.id, email)
    for (const r of recipients) {
      let list = this.#byRecipient.get(r)
      if (!list) {
        list = []
        this.#byRecipient.set(r, list)
      }
      list.push(email)
    }
    this.#bytes += email.size
    this.#received += 1
    this.#unindexed.add(email)
    this.#lastAdd = performance.now()
    this.#scheduleIndex()
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

  /** The email's headers and addresses, parsed from the raw bytes each time (only the overview is kept). */
  summary(email: StoredEmail): EmailSummary {
    return { ...summarizeEmail(email.head, this.#meta(email)), size: email.size }
  }

  /**
   * What listings, events and most queries look at (subject, addresses, envelope, size), kept for every
   * email; `headers` is empty here, to keep 10,000 of them small: a query on a header uses
   * {@link summary}.
   */
  overview(email: StoredEmail): EmailSummary {
    if (email.overview) return email.overview
    const {
      headers: _headers,
      warnings: _warnings,
      ...fields
    } = summarizeEmail(email.head, this.#meta(email))
    email.overview = { ...fields, headers: NO_HEADERS, size: email.size }
    return email.overview
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
    const cached = this.#parsed.get(email)
    if (cached) {
      // Most recently used last: the cache drops from the front.
      this.#parsed.delete(email)
      this.#parsed.set(email, cached)
      return cached
    }
    const parsed = this.#parseOnThread(
      email,
      (meta) => this.#workers.parse(email.raw, meta, this.#codes),
      (headerOnly) => headerOnly,
    )
    if (this.#byId.has(email.id)) {
      this.#parsed.set(email, parsed)
      this.#parsedBytes += email.size
      for (const [oldest] of this.#parsed) {
        if (this.#parsed.size <= PARSED_CACHE_EMAILS && this.#parsedBytes <= PARSED_CACHE_BYTES) break
        this.#forgetParsed(oldest)
      }
    }
    return parsed
  }

  /**
   * The email as the HTTP API's JSON text. Built on a parse thread (parse, then JSON) unless the parsed
   * email is cached, so a listing of a thousand emails costs the event loop a thousand strings, not a
   * thousand emails' objects and their serialization.
   */
  async json(email: StoredEmail, includeRaw: boolean): Promise<string> {
    const options = { captureWarnings: email.captureWarnings, includeRaw }
    const toText = (parsed: CapturedEmail) => JSON.stringify(emailToJson(parsed, options))
    const cached = this.#parsed.get(email)
    if (cached) return toText(await cached)
    return this.#parseOnThread(
      email,
      (meta) => this.#workers.json(email.raw, meta, this.#codes, options),
      toText,
    )
  }

  // The body's work on a parse thread, with the verdict first (past its budget it adds a warning the meta
  // must carry); an email whose parse failed, now or before, is answered from its headers instead.
  async #parseOnThread<T>(
    email: StoredEmail,
    run: (meta: EmailMeta) => Promise<T>,
    fromHeaderOnly: (email: CapturedEmail) => T,
  ): Promise<T> {
    const meta = { ...this.#meta(email), auth: await this.auth(email) }
    if (email.parseFailure) return fromHeaderOnly(this.#headerOnly(email, meta))
    return run(meta).catch((error: unknown) => fromHeaderOnly(this.#headerOnly(email, meta, error)))
  }

  // Past the budget, or a parser that crashed or ran out of memory on this email: the email stays usable
  // from its headers, and says why. The failure is kept, so a hostile email costs one budget, not one per
  // listing.
  #headerOnly(email: StoredEmail, meta: EmailMeta, error?: unknown): CapturedEmail {
    if (error !== undefined) {
      if (this.#closed) throw this.#stoppedOr(error, email)
      email.parseFailure =
        error instanceof WorkerBudgetExceeded
          ? `it took over ${error.budgetMs} ms (parse budget)`
          : `the parser failed (${(error as Error).message.split('\n')[0]})`
    }
    return headerOnlyEmail(
      email.raw,
      meta,
      `body not parsed: ${email.parseFailure}, so text, html, attachments, links and codes are empty; the raw bytes are kept`,
    )
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
  async mismatches(
    email: StoredEmail,
    query: EmailQuery,
    ignore: ReadonlyArray<keyof EmailQuery> = [],
  ): Promise<string[]> {
    return (await this.#reasonsFor([email], query, ignore))[0] as string[]
  }

  /** Matching emails for an address (or all), oldest first, fully parsed. */
  async list(
    address: string | undefined,
    query: EmailQuery,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<CapturedEmail[]> {
    return Promise.all((await this.listStored(address, query, limit)).map((e) => this.parsed(e)))
  }

  /**
   * Matching emails for an address (or all), oldest first (or newest first), unparsed. Sliced: summaries and plain checks
   * give the event loop a turn every {@link SLICE_MS}, patterns go to the pattern threads a batch at a
   * time, bodies (only when the query looks at them) are parsed on the parse threads.
   */
  async listStored(
    address: string | undefined,
    query: EmailQuery,
    limit = Number.POSITIVE_INFINITY,
    signal?: AbortSignal,
    newestFirst = false,
  ): Promise<StoredEmail[]> {
    const candidates = [...this.emailsFor(address)]
    if (newestFirst) candidates.reverse()
    const needsBody = queryNeedsBody(query)
    const found: StoredEmail[] = []
    const tick = sliceClock()
    // Bodies are parsed a few at a time: enough to keep the parse threads busy, few enough to stop early.
    const batchSize = needsBody ? 8 : PATTERN_BATCH
    for (let start = 0; start < candidates.length && found.length < limit; start += batchSize) {
      // A client that went away stops its listing: nothing more is matched or parsed for it.
      if (signal?.aborted) break
      const batch = candidates.slice(start, start + batchSize)
      const reasons = await this.#reasonsFor(batch, query, [], tick)
      for (const [i, email] of batch.entries()) {
        if (found.length >= limit) break
        if ((reasons[i] as string[]).length === 0) found.push(email)
      }
      await tick()
    }
    // The listing ran over a snapshot: an email deleted or evicted meanwhile is not answered.
    return found.filter((email) => this.#byId.get(email.id) === email)
  }

  // The reasons each email fails the query: what it is checked against is built here (bodies parsed
  // together on the parse threads, overviews and headers in slices), then checked in one batch.
  async #reasonsFor(
    emails: readonly StoredEmail[],
    query: EmailQuery,
    ignore: ReadonlyArray<keyof EmailQuery>,
    tick?: () => Promise<void>,
  ): Promise<string[][]> {
    const items: Array<{ email: StoredEmail; target: QueryTarget }> = []
    if (queryNeedsBody(query)) {
      const parsed = await Promise.all(emails.map((email) => this.parsed(email)))
      for (const [i, email] of emails.entries()) items.push({ email, target: parsed[i] as CapturedEmail })
    } else {
      for (const email of emails) {
        items.push({ email, target: query.header ? this.summary(email) : this.overview(email) })
        await tick?.()
      }
    }
    return this.#evaluate(items, query, ignore, tick)
  }

  // The reasons each email fails the query, with every pattern check of the batch in one pattern-pool call.
  async #evaluate(
    items: ReadonlyArray<{ email: StoredEmail; target: QueryTarget }>,
    query: EmailQuery,
    ignore: ReadonlyArray<keyof EmailQuery>,
    tick?: () => Promise<void>,
  ): Promise<string[][]> {
    const evaluated: Array<{ checks: QueryCheck[]; reasons: string[]; patterns: QueryCheck[] }> = []
    for (const { target } of items) {
      const { checks, reasons } = queryChecks(query, target, ignore)
      evaluated.push({ checks, reasons, patterns: checks.filter((c) => c.matcher instanceof RegExp) })
      await tick?.()
    }
    const jobs = evaluated.flatMap(({ patterns }) =>
      patterns.map((c) => ({
        source: (c.matcher as RegExp).source,
        flags: (c.matcher as RegExp).flags,
        values: c.values,
      })),
    )
    let results: boolean[]
    try {
      // The budget is per email: a batch gets one budget, and past it each email is tried on its own,
      // so a pattern that is only slowish over many emails still answers, and the one that runs away is
      // named (and only then refused for good).
      results = await this.#patterns.test(jobs, { markSlow: items.length === 1 })
    } catch (error) {
      const first = items[0]?.email
      if (!(error instanceof WorkerBudgetExceeded) || !first)
        throw first ? this.#stoppedOr(error, first) : error
      if (items.length > 1) {
        const one: string[][] = []
        for (const item of items) one.push(...(await this.#evaluate([item], query, ignore, tick)))
        return one
      }
      const patterns = evaluated[0]?.patterns ?? []
      const fields = [...new Set(patterns.map((c) => c.field))].join(' and ')
      throw new PatternTimeoutError(
        patterns.map((c) => c.matcher as RegExp),
        this.#patterns.budgetMs,
        `the ${fields} of email ${first.id}`,
      )
    }
    let next = 0
    return evaluated.map(({ checks, reasons, patterns }) => {
      const passed = patterns.map(() => results[next++] as boolean)
      const failed = checks.filter((c) =>
        c.matcher instanceof RegExp
          ? !passed[patterns.indexOf(c)]
          : !c.values.some((v) => matchText(c.matcher, v)),
      )
      return [...failed.map(failedCheck), ...reasons]
    })
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

  /** Starts a parse thread and a pattern thread and loads the parser, off the critical path. Never fails. */
  async warmUp(): Promise<void> {
    if (this.#closed) return
    await Promise.all([this.#workers.warmUp(), this.#patterns.warmUp()])
  }

  /** Ends every pending wait with an {@link InboxStoppedError}, tells listeners (`close`), stops the workers. */
  close(): void {
    this.#closed = true
    clearInterval(this.#sweeper)
    clearTimeout(this.#indexer)
    for (const [end, address] of [...this.#pending]) end(new InboxStoppedError(address))
    this.emit('close')
    void this.#patterns.close()
    void this.#workers.close()
  }

  async #nearMisses(address: string, request: WaitRequest, exclude: Set<string>): Promise<NearMiss[]> {
    const tick = sliceClock()
    const misses: NearMiss[] = []
    const mine = this.emailsFor(address).slice(-NEAR_MISS_SCAN)
    for (let start = 0; start < mine.length; start += NEAR_MISS_BATCH) {
      const batch = mine.slice(start, start + NEAR_MISS_BATCH)
      const reasons = await this.#reasonsFor(batch, request.query, [], tick)
      for (const [i, email] of batch.entries()) {
        const why = reasons[i] as string[]
        if (why.length > 0) misses.push(nearMiss('this-inbox', this.overview(email), why))
        else if (exclude.has(email.id)) misses.push(nearMiss('already-returned', this.overview(email), []))
      }
    }
    const others: NearMiss[] = []
    const recent = [...this.#byId.values()]
      .slice(-NEAR_MISS_SCAN)
      .reverse()
      .filter((email) => email.receivedAt >= request.notBefore && !email.recipients.includes(address))
    // Other addresses' emails are checked newest first, a few at a time, until enough are found.
    for (let start = 0; start < recent.length && others.length < NEAR_MISS_LIMIT; start += NEAR_MISS_BATCH) {
      const batch = recent.slice(start, start + NEAR_MISS_BATCH)
      const why = await this.#reasonsFor(batch, request.query, ['to'], tick)
      for (const [i, email] of batch.entries()) {
        if (others.length < NEAR_MISS_LIMIT && (why[i] as string[]).length === 0)
          others.push(nearMiss('other-address', this.overview(email), []))
      }
    }
    return [...misses.slice(-NEAR_MISS_LIMIT), ...others.reverse()]
  }

  // Builds overviews while the loop is idle: a listing then finds them ready. During a burst of
  // mail it waits, so indexing never competes with the SMTP replies.
  #scheduleIndex(): void {
    if (this.#indexer || this.#closed) return
    this.#indexer = setTimeout(() => {
      this.#indexer = undefined
      if (performance.now() - this.#lastAdd < INDEX_IDLE_MS) return this.#scheduleIndex()
      const started = performance.now()
      for (const email of this.#unindexed) {
        if (performance.now() - started >= SLICE_MS) break
        this.overview(email)
        this.#unindexed.delete(email)
      }
      if (this.#unindexed.size > 0) this.#scheduleIndex()
    }, INDEX_IDLE_MS)
    this.#indexer.unref()
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
      ...(this.webUi ? { viewUrl: webUiUrl(this.webUi, { emailId: email.id }) } : {}),
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

  #forgetParsed(email: StoredEmail): void {
    if (this.#parsed.delete(email)) this.#parsedBytes -= email.size
  }

  #remove(email: StoredEmail): void {
    if (!this.#byId.delete(email.id)) return
    this.#forgetParsed(email)
    this.#unindexed.delete(email)
    this.#bytes -= email.size
    for (const r of email.recipients) {
      const list = this.#byRecipient.get(r)
      if (!list) continue
      const index = list[0] === email ? 0 : list.indexOf(email)
      if (index >= 0) list.splice(index, 1)
      if (list.length === 0) this.#byRecipient.delete(r)
    }
    this.emit('remove', email)
  }
}

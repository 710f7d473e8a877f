import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import {
  CapturedEmail,
  type CodeOptions,
  type DnsResolver,
  type EmailAttachment,
  type EmailAuth,
  type EmailMeta,
  resolverFor,
  type SendingProfile,
} from '@mailwright/core'

// The worker parses (mailparser, htmlparser2) and judges (mailauth) with core's own functions. DNS stays
// on the main thread, where the sending profile's resolver lives: the worker asks for each answer.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  const core = await import(workerData.core)
  const dnsWaiting = new Map()
  let dnsId = 0
  const resolver = (name, rrtype) =>
    new Promise((resolve, reject) => {
      const id = dnsId++
      dnsWaiting.set(id, { resolve, reject })
      parentPort.postMessage({ dns: id, name, rrtype })
    })
  parentPort.on('message', async (message) => {
    if (message.dnsAnswer !== undefined) {
      const waiting = dnsWaiting.get(message.dnsAnswer)
      dnsWaiting.delete(message.dnsAnswer)
      if (message.error) waiting?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }))
      else waiting?.resolve(message.answer)
      return
    }
    const { id, kind, raw, meta, codes, profile } = message
    try {
      const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
      if (kind === 'auth') {
        const auth = await core.computeEmailAuth(bytes, meta.envelope, { ...profile, dns: resolver })
        parentPort.postMessage({ id, auth })
        return
      }
      const email = await core.parseEmail(bytes, meta, { codes })
      const transfer = []
      const attachments = email.attachments.map((a) => {
        const content = new Uint8Array(a.content())
        transfer.push(content.buffer)
        return { filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline, cid: a.cid, content }
      })
      const { raw: _raw, attachments: _attachments, ...fields } = email
      parentPort.postMessage({ id, fields: { ...fields, attachments } }, transfer)
    } catch (error) {
      parentPort.postMessage({ id, error: String((error && error.stack) || error) })
    }
  })
  parentPort.postMessage({ ready: true })
})().catch((error) => parentPort.postMessage({ setupFailed: String((error && error.stack) || error) }))
`

/** The work past its budget: what was cut short, for the email's warnings. */
export class ParseBudgetExceeded extends Error {
  constructor(
    readonly what: 'parse' | 'auth',
    readonly budgetMs: number,
  ) {
    super(`${what} budget of ${budgetMs} ms exceeded`)
  }
}

interface Job {
  kind: 'parse' | 'auth'
  raw: Buffer
  meta: EmailMeta
  codes?: CodeOptions
  profile?: Omit<SendingProfile, 'dns'>
  resolver?: DnsResolver
  budgetMs: number
  resolve(value: unknown): void
  reject(error: Error): void
}

class ParseWorker {
  readonly #worker: Worker
  #job: Job | undefined
  #jobId = 0
  #timer: NodeJS.Timeout | undefined
  #dead = false

  constructor(
    core: string,
    readonly onIdle: (worker: ParseWorker) => void,
    readonly onDead: (worker: ParseWorker) => void,
  ) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { core } })
    this.#worker.unref()
    this.#worker.on('message', (message: Record<string, unknown>) => this.#onMessage(message))
    const died = (error: Error) => {
      if (this.#dead) return
      this.#dead = true
      clearTimeout(this.#timer)
      this.#job?.reject(error)
      this.#job = undefined
      this.onDead(this)
    }
    this.#worker.on('error', died)
    this.#worker.on('exit', () => died(new Error('the parse worker exited')))
  }

  get busy(): boolean {
    return this.#job !== undefined
  }

  run(job: Job): void {
    this.#job = job
    this.#jobId += 1
    this.#timer = setTimeout(() => {
      const running = this.#job
      this.#job = undefined
      running?.reject(new ParseBudgetExceeded(running.kind, running.budgetMs))
      void this.stop()
    }, job.budgetMs)
    // A copy goes over: the stored bytes stay with the store.
    const raw = new Uint8Array(job.raw)
    this.#worker.postMessage(
      { id: this.#jobId, kind: job.kind, raw, meta: job.meta, codes: job.codes, profile: job.profile },
      [raw.buffer],
    )
  }

  async stop(): Promise<void> {
    this.#dead = true
    clearTimeout(this.#timer)
    this.onDead(this)
    await this.#worker.terminate()
  }

  #onMessage(message: Record<string, unknown>): void {
    if (message.ready) return this.onIdle(this)
    if (message.setupFailed) {
      this.#job?.reject(new Error(`the parse worker could not start: ${message.setupFailed}`))
      void this.stop()
      return
    }
    if (message.dns !== undefined) {
      const resolver = this.#job?.resolver
      const reply = (answer: Record<string, unknown>) =>
        this.#worker.postMessage({ dnsAnswer: message.dns, ...answer })
      if (!resolver) return reply({ error: { code: 'ENOTFOUND', message: 'no resolver' } })
      resolver(message.name as string, message.rrtype as string).then(
        (answer) => reply({ answer }),
        (error: { code?: string; message?: string }) =>
          reply({ error: { code: error?.code ?? 'ESERVFAIL', message: error?.message ?? String(error) } }),
      )
      return
    }
    const job = this.#job
    if (!job || message.id !== this.#jobId) return
    clearTimeout(this.#timer)
    this.#job = undefined
    if (typeof message.error === 'string') job.reject(new Error(message.error))
    else job.resolve(job.kind === 'auth' ? message.auth : message.fields)
    this.onIdle(this)
  }
}

/**
 * Parses emails and computes their verdicts on worker threads (sized to the machine), each within a time
 * budget, so one large or hostile email never holds the event loop that serves SMTP, HTTP and every other
 * test. Workers start on first use and never keep the process alive.
 *
 * @example
 * const pool = new ParsePool({ parseBudgetMs: 10_000 })
 * const email = await pool.parse(raw, meta, {})
 */
export class ParsePool {
  readonly parseBudgetMs: number
  readonly authBudgetMs: number
  readonly #size: number
  readonly #core = createRequire(import.meta.url).resolve('@mailwright/core')
  readonly #idle: ParseWorker[] = []
  readonly #all = new Set<ParseWorker>()
  readonly #queue: Job[] = []
  #closed = false

  constructor(options: { parseBudgetMs?: number; authBudgetMs?: number; size?: number } = {}) {
    this.parseBudgetMs = options.parseBudgetMs ?? 10_000
    this.authBudgetMs = options.authBudgetMs ?? 30_000
    // The event loop keeps a core where it can; two workers at least, so one slow email never queues the rest.
    this.#size = options.size ?? Math.max(2, Math.min(4, availableParallelism() - 1))
  }

  /** The email parsed on a worker; rejects with {@link ParseBudgetExceeded} past the parse budget. */
  async parse(raw: Buffer, meta: EmailMeta, codes: CodeOptions | undefined): Promise<CapturedEmail> {
    const fields = (await this.#submit({
      kind: 'parse',
      raw,
      meta,
      codes,
      budgetMs: this.parseBudgetMs,
    })) as Omit<CapturedEmail, 'attachments' | 'raw'> & {
      attachments: Array<Omit<EmailAttachment, 'content'> & { content: Uint8Array }>
    }
    const attachments = fields.attachments.map(({ content, ...rest }): EmailAttachment => {
      const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength)
      return { ...rest, content: () => bytes }
    })
    return new CapturedEmail({ ...fields, attachments, raw })
  }

  /** The verdict computed on a worker (DNS answered here); rejects with {@link ParseBudgetExceeded}. */
  async auth(raw: Buffer, meta: EmailMeta, profile: SendingProfile): Promise<EmailAuth> {
    const { dns, ...rest } = profile
    return (await this.#submit({
      kind: 'auth',
      raw,
      meta,
      profile: rest,
      resolver: resolverFor(dns),
      budgetMs: this.authBudgetMs,
    })) as EmailAuth
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const job of this.#queue.splice(0)) job.reject(new Error('the parse pool is closed'))
    await Promise.all([...this.#all].map((worker) => worker.stop()))
  }

  #submit(job: Omit<Job, 'resolve' | 'reject'>): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('the parse pool is closed'))
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...job, resolve, reject })
      this.#pump()
    })
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop()
      if (!worker) {
        let starting = this.#all.size - this.#idle.length - [...this.#all].filter((w) => w.busy).length
        while (this.#all.size < this.#size && starting < this.#queue.length) {
          this.#spawn()
          starting += 1
        }
        return
      }
      worker.run(this.#queue.shift() as Job)
    }
  }

  #spawn(): void {
    const worker = new ParseWorker(
      this.#core,
      (idle) => {
        this.#idle.push(idle)
        this.#pump()
      },
      (dead) => {
        this.#all.delete(dead)
        const at = this.#idle.indexOf(dead)
        if (at >= 0) this.#idle.splice(at, 1)
        if (!this.#closed) this.#pump()
      },
    )
    this.#all.add(worker)
  }
}

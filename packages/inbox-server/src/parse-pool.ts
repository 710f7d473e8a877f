import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import {
  CapturedEmail,
  type CodeOptions,
  type EmailAttachment,
  type EmailAuth,
  type EmailLink,
  type EmailMeta,
  type SendingProfile,
} from '@mailwright/core'
import { resolverFor, WorkerPool } from '@mailwright/core/internal'

// The worker parses (mailparser, htmlparser2) and judges (mailauth) with core's own functions. DNS stays
// on the main thread, where the sending profile's resolver lives: the worker asks for each answer.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  const core = await import(workerData.core)
  const dnsWaiting = new Map()
  let dnsId = 0
  parentPort.on('message', async (message) => {
    if (message.dnsAnswer !== undefined) {
      const waiting = dnsWaiting.get(message.dnsAnswer)
      dnsWaiting.delete(message.dnsAnswer)
      if (message.dnsError) waiting?.reject(Object.assign(new Error(message.dnsError.message), { code: message.dnsError.code }))
      else waiting?.resolve(message.answer)
      return
    }
    const { id, payload: { kind, raw, meta, codes, profile, json } } = message
    const resolver = (name, rrtype) =>
      new Promise((resolve, reject) => {
        const dns = dnsId++
        dnsWaiting.set(dns, { resolve, reject })
        parentPort.postMessage({ id, dns, name, rrtype })
      })
    try {
      const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
      if (kind === 'auth') {
        const auth = await core.computeEmailAuth(bytes, meta.envelope, { ...profile, dns: resolver })
        parentPort.postMessage({ id, result: auth })
        return
      }
      const email = await core.parseEmail(bytes, meta, { codes })
      if (kind === 'json') {
        parentPort.postMessage({ id, result: JSON.stringify(core.emailToJson(email, json)) })
        return
      }
      const transfer = []
      const attachments = email.attachments.map((a) => {
        const content = new Uint8Array(a.content())
        transfer.push(content.buffer)
        return { filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline, cid: a.cid, content }
      })
      const { raw: _raw, attachments: _attachments, links, ...fields } = email
      // Links go over as one JSON string: cloning 100,000 link objects costs the event loop ~140 ms,
      // a string a few; the main thread parses it only if someone reads the links.
      parentPort.postMessage({ id, result: { ...fields, attachments, linksJson: JSON.stringify(links) } }, transfer)
    } catch (error) {
      parentPort.postMessage({ id, error: String((error && error.stack) || error) })
    }
  })
  parentPort.postMessage({ ready: true })
})()
`

/**
 * Parses emails and computes their verdicts on worker threads (sized to the machine), each within a time
 * budget, so one large or hostile email never holds the event loop that serves SMTP, HTTP and every other
 * test.
 *
 * @example
 * const pool = new ParsePool({ parseBudgetMs: 10_000 })
 * const email = await pool.parse(raw, meta, undefined)
 */
export class ParsePool {
  readonly parseBudgetMs: number
  readonly authBudgetMs: number
  readonly #pool: WorkerPool

  constructor(options: { parseBudgetMs?: number; authBudgetMs?: number; size?: number } = {}) {
    this.parseBudgetMs = options.parseBudgetMs ?? 10_000
    this.authBudgetMs = options.authBudgetMs ?? 30_000
    this.#pool = new WorkerPool({
      source: WORKER_SOURCE,
      workerData: { core: createRequire(import.meta.url).resolve('@mailwright/core/internal') },
      // The event loop keeps a core where it can; two at least, so one slow email never queues the rest.
      size: options.size ?? Math.max(2, Math.min(4, availableParallelism() - 1)),
    })
  }

  /** The email parsed on a worker; rejects with WorkerBudgetExceeded past the parse budget. */
  async parse(raw: Buffer, meta: EmailMeta, codes: CodeOptions | undefined): Promise<CapturedEmail> {
    const [payload, transfer] = this.#job('parse', raw, meta, codes)
    const { linksJson, ...fields } = (await this.#pool.run(payload, {
      transfer,
      budgetMs: this.parseBudgetMs,
    })) as Omit<CapturedEmail, 'attachments' | 'raw' | 'links'> & {
      attachments: Array<Omit<EmailAttachment, 'content'> & { content: Uint8Array }>
      linksJson: string
    }
    const attachments = fields.attachments.map(({ content, ...rest }): EmailAttachment => {
      const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength)
      return { ...rest, content: () => bytes }
    })
    const email = new CapturedEmail({ ...fields, attachments, links: [], raw })
    let links: EmailLink[] | undefined
    Object.defineProperty(email, 'links', {
      enumerable: true,
      get: () => {
        links ??= JSON.parse(linksJson) as EmailLink[]
        return links
      },
    })
    return email
  }

  /** The email parsed on a worker and returned as the HTTP API's JSON text (see emailToJson). */
  async json(
    raw: Buffer,
    meta: EmailMeta,
    codes: CodeOptions | undefined,
    options: { captureWarnings: readonly string[]; includeRaw: boolean },
  ): Promise<string> {
    const [payload, transfer] = this.#job('json', raw, meta, codes, undefined, options)
    return (await this.#pool.run(payload, { transfer, budgetMs: this.parseBudgetMs })) as string
  }

  /** The verdict computed on a worker, DNS answered here by the profile's resolver. */
  async auth(raw: Buffer, meta: EmailMeta, profile: SendingProfile): Promise<EmailAuth> {
    const { dns, ...rest } = profile
    const resolver = resolverFor(dns)
    const [payload, transfer] = this.#job('auth', raw, meta, undefined, rest)
    return (await this.#pool.run(payload, {
      transfer,
      budgetMs: this.authBudgetMs,
      onMessage: (message, reply) => {
        resolver(message.name as string, message.rrtype as string).then(
          (answer) => reply({ dnsAnswer: message.dns, answer }),
          (error: { code?: string; message?: string }) =>
            reply({
              dnsAnswer: message.dns,
              dnsError: { code: error?.code ?? 'ESERVFAIL', message: error?.message ?? String(error) },
            }),
        )
      },
    })) as EmailAuth
  }

  /**
   * Starts one thread and parses a small email on it, so the parser's load (about 200 ms) is paid now, off
   * the critical path, and not by the first test that waits for a body. Never fails.
   */
  async warmUp(): Promise<void> {
    const raw = Buffer.from('Subject: warm-up\r\nContent-Type: text/html\r\n\r\n<p>warm-up</p>\r\n')
    await this.parse(
      raw,
      { id: 'warm-up', envelope: { mailFrom: '', rcptTo: [] }, receivedAt: new Date() },
      undefined,
    ).catch(() => undefined)
  }

  close(): Promise<void> {
    return this.#pool.close()
  }

  // A copy of the bytes is moved over; the stored ones stay with the store.
  #job(
    kind: 'parse' | 'auth' | 'json',
    raw: Buffer,
    meta: EmailMeta,
    codes: CodeOptions | undefined,
    profile?: Omit<SendingProfile, 'dns'>,
    json?: { captureWarnings: readonly string[]; includeRaw: boolean },
  ): [unknown, ArrayBuffer[]] {
    const bytes = new Uint8Array(raw)
    return [{ kind, raw: bytes, meta, codes, profile, json }, [bytes.buffer]]
  }
}

import { availableParallelism } from 'node:os'
import { WorkerBudgetExceeded, WorkerPool } from '@mailwright/core/internal'

/** One pattern and the values it is tried on; the answer is whether any value matches. */
export interface PatternJob {
  source: string
  flags: string
  values: string[]
}

// Only ever runs user patterns, so a runaway one can be ended with its thread.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const cache = new Map()
parentPort.on('message', ({ id, payload }) => {
  const result = payload.map(({ source, flags, values }) => {
    const key = flags + '/' + source
    let pattern = cache.get(key)
    if (!pattern) {
      pattern = new RegExp(source, flags)
      if (cache.size > 500) cache.clear()
      cache.set(key, pattern)
    }
    return values.some((value) => {
      pattern.lastIndex = 0
      return pattern.test(value)
    })
  })
  parentPort.postMessage({ id, result })
})
parentPort.postMessage({ ready: true })
`

/**
 * Runs user patterns (the RegExp fields of queries) on worker threads with a time budget per batch, so a
 * catastrophic pattern fails its own query and never holds the event loop that serves SMTP, HTTP and every
 * other test.
 *
 * @example
 * const pool = new PatternPool({ budgetMs: 250 })
 * await pool.test([{ source: 'Verify', flags: 'i', values: ['Please verify'] }]) // [true]
 */
export class PatternPool {
  readonly budgetMs: number
  readonly #pool: WorkerPool
  // A pattern that ran past the budget once is refused at once afterwards: a test that retries it (or a
  // client that repeats it on purpose) costs one budget, not a core for as long as it keeps trying.
  readonly #slow = new Set<string>()

  constructor(options: { budgetMs?: number; size?: number } = {}) {
    // Generous for a legitimate pattern on a large body on a loaded runner; it only bounds wasted CPU, as
    // the event loop never waits for it.
    this.budgetMs = options.budgetMs ?? 1000
    this.#pool = new WorkerPool({
      source: WORKER_SOURCE,
      // Two at least, so one runaway pattern never queues every other test's patterns behind it.
      size: options.size ?? Math.max(2, Math.min(4, availableParallelism())),
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    })
  }

  /**
   * For each job, whether any of its values matches; rejects with WorkerBudgetExceeded past the budget.
   * `markSlow: false` (a batch of several emails' values) does not refuse the patterns afterwards.
   */
  async test(jobs: PatternJob[], options: { markSlow?: boolean } = {}): Promise<boolean[]> {
    if (jobs.length === 0) return []
    const keys = jobs.map((job) => `${job.flags}/${job.source}`)
    if (keys.some((key) => this.#slow.has(key))) throw new WorkerBudgetExceeded(this.budgetMs)
    try {
      return (await this.#pool.run(jobs, { budgetMs: this.budgetMs })) as boolean[]
    } catch (error) {
      if (error instanceof WorkerBudgetExceeded && options.markSlow !== false && this.#slow.size < 10_000)
        for (const key of keys) this.#slow.add(key)
      throw error
    }
  }

  /** Starts one thread now, so the first query with a pattern does not pay for it. Never fails. */
  async warmUp(): Promise<void> {
    await this.test([{ source: 'warm-up', flags: '', values: [''] }]).catch(() => undefined)
  }

  close(): Promise<void> {
    return this.#pool.close()
  }
}

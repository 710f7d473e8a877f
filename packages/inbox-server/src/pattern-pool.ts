import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

/** One pattern and the values it is tried on; the answer is whether any value matches. */
export interface PatternJob {
  source: string
  flags: string
  values: string[]
}

/** A batch of patterns ran past the budget; the pool has already replaced the worker that ran it. */
export class PatternBudgetExceeded extends Error {
  constructor(readonly jobs: readonly PatternJob[]) {
    super('pattern budget exceeded')
  }
}

// The worker only ever runs user patterns: a runaway one is ended by terminating the thread, which a
// regular expression on the main thread cannot be.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const cache = new Map()
parentPort.on('message', ({ id, jobs }) => {
  const results = jobs.map(({ source, flags, values }) => {
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
  parentPort.postMessage({ id, results })
})
parentPort.postMessage({ ready: true })
`

interface Task {
  id: number
  jobs: PatternJob[]
  resolve(results: boolean[]): void
  reject(error: Error): void
}

class PatternWorker {
  readonly #worker: Worker
  #task: Task | undefined
  #timer: NodeJS.Timeout | undefined
  #dead = false

  constructor(
    readonly budgetMs: number,
    readonly onIdle: (worker: PatternWorker) => void,
    readonly onDead: (worker: PatternWorker) => void,
  ) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 128 } })
    this.#worker.unref()
    this.#worker.on('message', ({ id, results, ready }: { id: number; results: boolean[]; ready?: true }) => {
      // Start-up is not the pattern's time: a worker takes work only once it is running.
      if (ready) return this.onIdle(this)
      const task = this.#task
      if (!task || task.id !== id) return
      clearTimeout(this.#timer)
      this.#task = undefined
      task.resolve(results)
      this.onIdle(this)
    })
    const died = (error: Error) => {
      if (this.#dead) return
      this.#dead = true
      clearTimeout(this.#timer)
      this.#task?.reject(error)
      this.#task = undefined
      this.onDead(this)
    }
    this.#worker.on('error', died)
    this.#worker.on('exit', () => died(new Error('the pattern worker exited')))
  }

  get busy(): boolean {
    return this.#task !== undefined
  }

  run(task: Task): void {
    this.#task = task
    this.#timer = setTimeout(() => {
      // The only way to stop a regular expression: end its thread. The pool starts another.
      const running = this.#task
      this.#task = undefined
      running?.reject(new PatternBudgetExceeded(running.jobs))
      void this.stop()
    }, this.budgetMs)
    this.#worker.postMessage({ id: task.id, jobs: task.jobs })
  }

  async stop(): Promise<void> {
    this.#dead = true
    clearTimeout(this.#timer)
    this.onDead(this)
    await this.#worker.terminate()
  }
}

/**
 * Runs user patterns (the RegExp fields of queries) on worker threads with a time budget per batch, so a
 * catastrophic pattern fails its own query and never holds the event loop that serves SMTP, HTTP and every
 * other test. Workers start on first use and never keep the process alive.
 *
 * @example
 * const pool = new PatternPool({ budgetMs: 250 })
 * await pool.test([{ source: 'Verify', flags: 'i', values: ['Please verify'] }]) // [true]
 */
export class PatternPool {
  readonly budgetMs: number
  readonly #size: number
  readonly #idle: PatternWorker[] = []
  readonly #all = new Set<PatternWorker>()
  readonly #queue: Task[] = []
  #nextId = 0
  #closed = false

  constructor(options: { budgetMs?: number; size?: number } = {}) {
    this.budgetMs = options.budgetMs ?? 250
    // Two at least, so one runaway pattern never queues every other test's patterns behind it.
    this.#size = options.size ?? Math.max(2, Math.min(4, availableParallelism()))
  }

  /** For each job, whether any of its values matches its pattern; rejects with {@link PatternBudgetExceeded}. */
  test(jobs: PatternJob[]): Promise<boolean[]> {
    if (jobs.length === 0) return Promise.resolve([])
    if (this.#closed) return Promise.reject(new Error('the pattern pool is closed'))
    return new Promise<boolean[]>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, jobs, resolve, reject })
      this.#pump()
    })
  }

  #busy(): number {
    return [...this.#all].filter((w) => w.busy).length
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const task of this.#queue.splice(0)) task.reject(new Error('the pattern pool is closed'))
    await Promise.all([...this.#all].map((worker) => worker.stop()))
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop()
      if (!worker) {
        // Started workers report in when ready; start more only up to the pool size.
        let starting = this.#all.size - this.#idle.length - this.#busy()
        while (this.#all.size < this.#size && starting < this.#queue.length) {
          this.#spawn()
          starting += 1
        }
        return
      }
      worker.run(this.#queue.shift() as Task)
    }
  }

  #spawn(): void {
    const worker = new PatternWorker(
      this.budgetMs,
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

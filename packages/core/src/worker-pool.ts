import { type ResourceLimits, type Transferable, Worker } from 'node:worker_threads'

/** A task ran past its budget; the pool has ended the thread that ran it and starts another when needed. */
export class WorkerBudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`over the ${budgetMs} ms budget`)
  }
}

/** How one task runs: its time budget, what to move instead of copy, and side messages it answers. */
export interface WorkerTaskOptions {
  budgetMs: number
  transfer?: Transferable[]
  /** Answers a message the worker sends while working (e.g. a DNS question); `reply` posts the answer. */
  onMessage?(message: Record<string, unknown>, reply: (answer: Record<string, unknown>) => void): void
}

interface Task extends WorkerTaskOptions {
  id: number
  payload: unknown
  resolve(result: unknown): void
  reject(error: Error): void
}

/**
 * Threads for work that must never hold the event loop (user patterns, parsing hostile email): each task
 * runs with a time budget, and one past it is ended by terminating its thread, the only way to stop
 * a runaway regular expression or parser. Threads start on first use, report ready before taking work (so
 * start-up never counts against a budget) and never keep the process alive.
 *
 * The worker source receives `{ id, payload }`, answers `{ id, result }` or `{ id, error }`, may send
 * `{ id, ...side }` messages, and posts `{ ready: true }` once it can work.
 *
 * @example
 * const pool = new WorkerPool({ source: WORKER_SOURCE, size: 2 })
 * const result = await pool.run(payload, { budgetMs: 250 })
 */
export class WorkerPool {
  readonly #options: { source: string; workerData?: unknown; size: number; resourceLimits?: ResourceLimits }
  readonly #idle: PoolWorker[] = []
  readonly #all = new Set<PoolWorker>()
  readonly #queue: Task[] = []
  #nextId = 0
  #closed = false

  constructor(options: {
    source: string
    workerData?: unknown
    size: number
    resourceLimits?: ResourceLimits
  }) {
    this.#options = options
  }

  run(payload: unknown, options: WorkerTaskOptions): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('the worker pool is closed'))
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...options, id: this.#nextId++, payload, resolve, reject })
      this.#pump()
    })
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const task of this.#queue.splice(0)) task.reject(new Error('the worker pool is closed'))
    await Promise.all([...this.#all].map((worker) => worker.stop()))
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop()
      if (!worker) {
        // Threads being started report in when ready; start more only up to the pool size.
        let starting = [...this.#all].filter((w) => !w.busy && !this.#idle.includes(w)).length
        while (this.#all.size < this.#options.size && starting < this.#queue.length) {
          this.#spawn()
          starting += 1
        }
        return
      }
      worker.run(this.#queue.shift() as Task)
    }
  }

  #spawn(): void {
    const worker = new PoolWorker(
      this.#options,
      (idle) => {
        this.#idle.push(idle)
        this.#pump()
      },
      (dead, error) => {
        this.#all.delete(dead)
        const at = this.#idle.indexOf(dead)
        if (at >= 0) this.#idle.splice(at, 1)
        if (!dead.ready && error) {
          // A thread that cannot even start would fail again: say why to everyone waiting.
          for (const task of this.#queue.splice(0))
            task.reject(new Error(`a worker thread could not start: ${error.message}`))
          return
        }
        if (!this.#closed) this.#pump()
      },
    )
    this.#all.add(worker)
  }
}

class PoolWorker {
  readonly #worker: Worker
  #task: Task | undefined
  #timer: NodeJS.Timeout | undefined
  #dead = false
  ready = false

  constructor(
    options: { source: string; workerData?: unknown; resourceLimits?: ResourceLimits },
    readonly onIdle: (worker: PoolWorker) => void,
    readonly onDead: (worker: PoolWorker, error?: Error) => void,
  ) {
    this.#worker = new Worker(options.source, {
      eval: true,
      workerData: options.workerData,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    })
    this.#worker.on('message', (message: Record<string, unknown>) => this.#onMessage(message))
    const died = (error: Error) => {
      if (this.#dead) return
      this.#dead = true
      clearTimeout(this.#timer)
      this.#task?.reject(error)
      this.#task = undefined
      this.onDead(this, error)
    }
    this.#worker.on('error', died)
    this.#worker.on('exit', () => died(new Error('the worker thread exited')))
    // Held while it starts and while it works (a caller is waiting), let go while idle: an idle pool never
    // keeps a process alive (a script that checked one email still exits).
  }

  get busy(): boolean {
    return this.#task !== undefined
  }

  run(task: Task): void {
    this.#worker.ref()
    this.#task = task
    this.#timer = setTimeout(() => {
      const running = this.#task
      this.#task = undefined
      running?.reject(new WorkerBudgetExceeded(running.budgetMs))
      void this.stop()
    }, task.budgetMs)
    this.#worker.postMessage({ id: task.id, payload: task.payload }, task.transfer ?? [])
  }

  async stop(): Promise<void> {
    if (!this.#dead) {
      this.#dead = true
      this.onDead(this)
    }
    clearTimeout(this.#timer)
    await this.#worker.terminate()
  }

  #onMessage(message: Record<string, unknown>): void {
    if (message.ready) {
      this.ready = true
      this.#worker.unref()
      this.onIdle(this)
      return
    }
    const task = this.#task
    if (!task || message.id !== task.id) return
    if (!('result' in message) && !('error' in message)) {
      task.onMessage?.(message, (answer) => this.#worker.postMessage({ id: task.id, ...answer }))
      return
    }
    clearTimeout(this.#timer)
    this.#task = undefined
    this.#worker.unref()
    if ('error' in message) task.reject(new Error(String(message.error)))
    else task.resolve(message.result)
    this.onIdle(this)
  }
}

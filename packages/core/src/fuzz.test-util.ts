// Property-based fuzzing of every function that reads outside input. Each case runs in a worker thread with
// a deadline and a heap limit, so a hang or a runaway allocation is caught as a failure, not as a frozen run.
// The property: the target returns (or, where allowed, throws a MailwrightError with a message), in time.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import fc from 'fast-check'
import { expect, it } from 'vitest'

/** How long and how hard: CI's seeded pass by default, `pnpm fuzz` sets MAILWRIGHT_FUZZ=long. */
const LONG = process.env.MAILWRIGHT_FUZZ === 'long'
const SEED = Number(process.env.MAILWRIGHT_FUZZ_SEED ?? (LONG ? Date.now() % 2 ** 31 : 20261129))
/** The one scalable budget: every deadline below is a multiple of it (MAILWRIGHT_FUZZ_CASE_MS). */
const CASE_MS = Number(process.env.MAILWRIGHT_FUZZ_CASE_MS ?? 2000)
const HEAP_MB = 256
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/fuzz/', import.meta.url))

/** A module of a built package: its file (or package specifier) and the export. */
export type FuzzImport = [file: string | URL, exportName?: string]

export interface FuzzTargetOptions<T> {
  /** The function's name; regression inputs live in test/fixtures/fuzz/<name>.json. */
  name: string
  /** What the worker imports (from built `dist/` files) and hands to `run` by name. */
  imports: Record<string, FuzzImport>
  /**
   * Calls the target in the worker. It is sent as source text, so it may use only its arguments: the
   * input and the imports.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the worker hands over whatever the imports export.
  run: (input: T, deps: Record<string, any>) => unknown
  arbitrary: fc.Arbitrary<T>
  /** `never`: the target must never throw (documented so). Default `mailwright`: a MailwrightError is fine. */
  throws?: 'never' | 'mailwright'
  /** Cases in CI's pass; `pnpm fuzz` runs 25× as many, capped by time. Default 2000. */
  runs?: number
}

type Outcome =
  | { kind: 'returned'; ms: number }
  | {
      kind: 'threw'
      ms: number
      mailwright: boolean
      name: string
      code?: string
      message: string
      stack?: string
    }
  | { kind: 'hang'; ms: number }
  | { kind: 'crash'; message: string }

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  const deps = {}
  for (const [name, [file, exportName]] of Object.entries(workerData.imports)) {
    deps[name] = (await import(file))[exportName ?? name]
  }
  const run = (0, eval)('(' + workerData.source + ')')
  const chain = (error) => {
    const names = []
    for (let p = error && Object.getPrototypeOf(error); p && names.length < 20; p = Object.getPrototypeOf(p)) {
      if (p.constructor && p.constructor.name) names.push(p.constructor.name)
    }
    return names
  }
  parentPort.on('message', async ({ id, input }) => {
    const started = performance.now()
    try {
      await run(input, deps)
      parentPort.postMessage({ id, outcome: { kind: 'returned', ms: performance.now() - started } })
    } catch (error) {
      parentPort.postMessage({ id, outcome: {
        kind: 'threw',
        ms: performance.now() - started,
        mailwright: chain(error).includes('MailwrightError'),
        name: (error && error.name) || typeof error,
        code: error && typeof error.code === 'string' ? error.code : undefined,
        message: String((error && error.message) ?? error),
        stack: error && error.stack,
      } })
    }
  })
  parentPort.postMessage({ ready: true })
})().catch((error) => parentPort.postMessage({ setupFailed: String(error && error.stack || error) }))
`

/** One worker for one target, replaced whenever a case hangs or kills it. */
class FuzzWorker {
  #worker: Worker | undefined
  #ready: Promise<void> | undefined
  #pending: { id: number; resolve: (outcome: Outcome) => void } | undefined
  #nextId = 0
  readonly #data: { imports: Record<string, [string, string | undefined]>; source: string }

  constructor(imports: Record<string, FuzzImport>, source: string) {
    this.#data = {
      imports: Object.fromEntries(
        Object.entries(imports).map(([name, [file, exportName]]) => [
          name,
          [String(toUrl(file)), exportName],
        ]),
      ),
      source,
    }
  }

  async run(input: unknown): Promise<Outcome> {
    await this.#start()
    const worker = this.#worker as Worker
    const id = this.#nextId++
    const started = performance.now()
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending = undefined
        void this.stop()
        resolve({ kind: 'hang', ms: performance.now() - started })
      }, CASE_MS)
      this.#pending = {
        id,
        resolve: (outcome) => {
          clearTimeout(timer)
          this.#pending = undefined
          resolve(outcome)
        },
      }
      worker.postMessage({ id, input })
    })
  }

  async stop(): Promise<void> {
    const worker = this.#worker
    this.#worker = undefined
    this.#ready = undefined
    await worker?.terminate()
  }

  #start(): Promise<void> {
    if (this.#ready) return this.#ready
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: this.#data,
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    })
    this.#worker = worker
    this.#ready = new Promise<void>((resolve, reject) => {
      worker.on(
        'message',
        (message: { ready?: true; setupFailed?: string; id?: number; outcome?: Outcome }) => {
          if (message.ready) resolve()
          else if (message.setupFailed)
            reject(new Error(`the fuzz worker could not load its target: ${message.setupFailed}`))
          else if (message.outcome && this.#pending?.id === message.id)
            this.#pending?.resolve(message.outcome)
        },
      )
      const died = (message: string) => {
        if (this.#worker === worker) {
          this.#worker = undefined
          this.#ready = undefined
        }
        this.#pending?.resolve({ kind: 'crash', message })
        reject(new Error(message))
      }
      worker.on('error', (error) => died(`${error.name}: ${error.message}`))
      worker.on('exit', (code) => died(`the worker exited with code ${code}`))
    })
    return this.#ready
  }
}

function toUrl(file: string | URL): URL | string {
  if (file instanceof URL) return file
  return file.startsWith('/') ? pathToFileURL(file) : file
}

// Inputs are strings, plain objects and byte arrays; bytes are kept as base64 in the fixture files.
function encode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') } : v,
  )
}
function decode(text: string): unknown[] {
  return JSON.parse(text, (_key, v: unknown) =>
    v && typeof v === 'object' && '$bytes' in v
      ? new Uint8Array(Buffer.from((v as { $bytes: string }).$bytes, 'base64'))
      : v,
  ) as unknown[]
}

function verdict(outcome: Outcome, throws: 'never' | 'mailwright'): string | undefined {
  switch (outcome.kind) {
    case 'returned':
      return undefined
    case 'hang':
      return `did not return within ${CASE_MS} ms (the worker was stopped)`
    case 'crash':
      return `crashed its worker (heap limit ${HEAP_MB} MB): ${outcome.message}`
    case 'threw':
      if (throws === 'never') return `threw although it must never throw: ${outcome.name}: ${outcome.message}`
      if (!outcome.mailwright)
        return `threw a ${outcome.name}, not a MailwrightError: ${outcome.message}\n${outcome.stack ?? ''}`
      if (outcome.message.trim().length < 10)
        return `threw a MailwrightError without a clear message: ${JSON.stringify(outcome.message)}`
      return undefined
  }
}

/**
 * Declares one fuzz test: replays every regression input kept for the target, then runs a seeded
 * fast-check pass. A failing input is shrunk, printed, and (outside CI) added to the target's fixture file.
 *
 * @example
 * fuzzTarget({
 *   name: 'parseAuthenticationResults',
 *   imports: { parse: [CORE, 'parseAuthenticationResults'] },
 *   run: (input: string, { parse }) => parse(input),
 *   arbitrary: fc.string(),
 *   throws: 'never',
 * })
 */
export function fuzzTarget<T>(options: FuzzTargetOptions<T>): void {
  const throws = options.throws ?? 'mailwright'
  const runs = (options.runs ?? 2000) * (LONG ? 25 : 1)
  const fixture = `${FIXTURES}${options.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.json`
  it(`fuzz ${options.name}: returns${throws === 'never' ? ' and never throws' : ' or throws a MailwrightError'}, in time (seed ${SEED})`, {
    timeout: LONG ? 30 * 60_000 : 120_000,
  }, async () => {
    const worker = new FuzzWorker(options.imports, options.run.toString())
    try {
      const regressions = existsSync(fixture) ? decode(readFileSync(fixture, 'utf8')) : []
      for (const input of regressions) {
        const problem = verdict(await worker.run(input), throws)
        expect(problem, `regression input ${encode(input).slice(0, 300)} of ${fixture}`).toBeUndefined()
      }
      const started = performance.now()
      let cases = 0
      const result = await fc.check(
        fc.asyncProperty(options.arbitrary, async (input) => {
          cases += 1
          const problem = verdict(await worker.run(input), throws)
          if (problem) throw new Error(problem)
        }),
        {
          seed: SEED,
          numRuns: runs,
          // CI's pass stays bounded on a busy runner; a long run stops at its time budget.
          interruptAfterTimeLimit: LONG ? 20 * 60_000 : 90_000,
          markInterruptAsFailure: false,
        },
      )
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      console.log(
        `fuzz ${options.name}: ${cases} cases in ${seconds} s (seed ${SEED}), ${regressions.length} regression inputs`,
      )
      if (result.failed) {
        const input = result.counterexample?.[0]
        if (!process.env.CI && input !== undefined) {
          mkdirSync(dirname(fixture), { recursive: true })
          writeFileSync(fixture, `${encode([...regressions, input])}\n`)
        }
        const why =
          result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)
        expect.fail(
          `${options.name} broke the property with ${encode(input).slice(0, 500)}\n${why}\n(seed ${SEED}, path ${result.counterexamplePath}; ${process.env.CI ? 'add it to' : 'kept in'} ${fixture})`,
        )
      }
    } finally {
      await worker.stop()
    }
  })
}

/** The built file of a package's module, for {@link FuzzTargetOptions.imports}. */
export function distFile(packageDir: string, module: string): string {
  return fileURLToPath(new URL(`../../${packageDir}/dist/${module}.js`, import.meta.url))
}

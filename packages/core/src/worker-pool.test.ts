import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runNode } from './run-node.test-util.js'
import { budget } from './time-budget.test-util.js'
import { WorkerBudgetExceeded, WorkerPool } from './worker-pool.js'

const ECHO = `const { parentPort } = require('node:worker_threads')
parentPort.on('message', ({ id, payload }) => {
  if (payload === 'spin') for (;;) {}
  parentPort.postMessage({ id, result: payload })
})
parentPort.postMessage({ ready: true })`

describe('WorkerPool', () => {
  it('answers, and ends a thread that runs past its budget, then works on', async () => {
    const pool = new WorkerPool({ source: ECHO, size: 1 })
    expect(await pool.run('a', { budgetMs: budget(5_000) })).toBe('a')
    await expect(pool.run('spin', { budgetMs: 100 })).rejects.toBeInstanceOf(WorkerBudgetExceeded)
    expect(await pool.run('b', { budgetMs: budget(5_000) })).toBe('b')
    await pool.close()
  })

  it(
    'keeps a process alive while a task waits for it, and never once idle: a script that used it exits',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mailwright-pool-'))
      const script = join(dir, 'script.mjs')
      writeFileSync(
        script,
        `import { WorkerPool } from ${JSON.stringify(new URL('../dist/internal/index.js', import.meta.url).href)}
const pool = new WorkerPool({ source: ${JSON.stringify(ECHO)}, size: 1 })
console.log(await pool.run('first', { budgetMs: 10000 }))
console.log(await pool.run('second', { budgetMs: 10000 }))
`,
      )
      const run = await runNode(script, [], dir)
      expect(run.output).toBe('first\nsecond\n')
      expect(run.code).toBe(0)
    },
    budget(30_000),
  )
})

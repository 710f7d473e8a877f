// The examples under artificial CPU load, as on a busy 2-core CI runner: stress-ng keeps `--cpu` workers
// spinning (bounded by its own --timeout) while the Playwright example runs `--runs` times and the Vitest
// example once. Each run counts as one test in test-results/loaded.json (for .ci/run's summary); the flake
// rate and the load average of each run are printed.
//
//   node scripts/loaded-run.ts [--runs 10] [--cpu 4]
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, cpu: { type: 'string', default: '4' } },
})
const runs = Number(values.runs)
const cpu = Number(values.cpu)
const root = join(import.meta.dirname, '..')
const RUN_DEADLINE_S = 300

if (spawnSync('stress-ng', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('stress-ng is not installed (apt-get install stress-ng); .ci/run installs it.')
  process.exit(1)
}

interface Run {
  name: string
  passed: boolean
  seconds: number
  load: number
  output: string
}

function run(
  name: string,
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<Run> {
  const start = performance.now()
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d) => {
      output += d
    })
    child.stderr.on('data', (d) => {
      output += d
    })
    // A run that hangs is killed and counted as failed, so the loop (and CI) always ends.
    const deadline = setTimeout(() => {
      output += `\n(killed after ${RUN_DEADLINE_S} s)`
      child.kill('SIGKILL')
    }, RUN_DEADLINE_S * 1000)
    child.on('exit', (code) => {
      clearTimeout(deadline)
      resolve({
        name,
        passed: code === 0,
        seconds: (performance.now() - start) / 1000,
        load: loadavg()[0] ?? 0,
        output,
      })
    })
  })
}

// Bounded: stress-ng stops by itself even if this script is killed.
const stress = spawn(
  'stress-ng',
  ['--cpu', String(cpu), '--timeout', `${(runs + 1) * RUN_DEADLINE_S + 10}s`, '--quiet'],
  {
    stdio: 'ignore',
  },
)
const results: Run[] = []
try {
  // Let the load average climb before the first run.
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const resultsDir = join(root, 'test-results/loaded')
  for (let i = 1; i <= runs; i++) {
    const r = await run(
      `playwright-signup run ${i}/${runs}`,
      'pnpm',
      ['test'],
      join(root, 'examples/playwright-signup'),
      { EXAMPLE_RESULTS_DIR: join(resultsDir, `playwright-${i}`) },
    )
    results.push(r)
    console.log(
      `${r.passed ? 'pass' : 'FAIL'}  ${r.name}  ${r.seconds.toFixed(1)} s  load ${r.load.toFixed(1)}`,
    )
    if (!r.passed) console.log(r.output.split('\n').slice(-60).join('\n'))
  }
  const v = await run(
    'vitest-mailer',
    'pnpm',
    // Only the default reporter: the configured JSON and email reports belong to the main test run.
    ['exec', 'vitest', 'run', '--project', 'vitest-mailer', '--reporter=default'],
    root,
    {},
  )
  results.push(v)
  console.log(
    `${v.passed ? 'pass' : 'FAIL'}  ${v.name}  ${v.seconds.toFixed(1)} s  load ${v.load.toFixed(1)}`,
  )
  if (!v.passed) console.log(v.output.split('\n').slice(-60).join('\n'))
} finally {
  stress.kill('SIGTERM')
}

const playwright = results.filter((r) => r.name.startsWith('playwright'))
const failed = playwright.filter((r) => !r.passed).length
const loads = results.map((r) => r.load)
console.log(
  `loaded run: Playwright example ${playwright.length - failed}/${playwright.length} passed (flake rate ${((100 * failed) / playwright.length).toFixed(0)}%), Vitest example ${results.at(-1)?.passed ? 'passed' : 'failed'}; stress-ng --cpu ${cpu} on ${spawnSync('nproc').stdout.toString().trim()} cores, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
)
mkdirSync(join(root, 'test-results'), { recursive: true })
writeFileSync(
  join(root, 'test-results/loaded.json'),
  `${JSON.stringify(
    {
      passed: results.filter((r) => r.passed).length,
      failed: results.filter((r) => !r.passed).length,
      runs: results.map(({ output: _, ...r }) => r),
    },
    null,
    2,
  )}\n`,
)
process.exitCode = results.every((r) => r.passed) ? 0 : 1

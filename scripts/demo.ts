// `pnpm demo`: the quickstart (inbox + nodemailer, printed), then the two example suites against the
// embedded inbox: Vitest (examples/vitest-mailer) and Playwright with a real browser (examples/playwright-signup).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { findChromium } from '@mailwright/playwright'

const root = fileURLToPath(new URL('..', import.meta.url))
const run = (title: string, command: string, args: string[], cwd = root) => {
  console.log(`\n━━ ${title}\n`)
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env })
  return result.status === 0
}

let ok = run('Quickstart: the capture inbox and nodemailer', process.execPath, [
  'examples/quickstart/demo.ts',
])
ok =
  run('Vitest example (examples/vitest-mailer)', 'pnpm', [
    'exec',
    'vitest',
    'run',
    '--project',
    'vitest-mailer',
  ]) && ok

let browser: string | undefined
try {
  browser = findChromium()
} catch (error) {
  console.log(`\n━━ Playwright example skipped: ${(error as Error).message}`)
  process.exit(1)
}
ok =
  run(
    `Playwright example (examples/playwright-signup, ${browser})`,
    'pnpm',
    ['exec', 'playwright', 'test'],
    `${root}examples/playwright-signup`,
  ) && ok
console.log(`\nHTML report: ${root}examples/playwright-signup/playwright-report/index.html`)
console.log('Open it with: pnpm --dir examples/playwright-signup exec playwright show-report')
process.exit(ok ? 0 : 1)

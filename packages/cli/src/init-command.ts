import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { cliVersion } from './cli-version.js'
import { parseCommandArgs } from './parse-command-args.js'
import { UsageError } from './usage-error.js'

const COMMAND = 'mailwright init'

export const INIT_HELP = `Usage: mailwright init [options]

Sets up Mailwright in an existing Playwright or Vitest project (detected from package.json and the runner's
config file; both when both are there):
  - adds @mailwright/playwright and/or @mailwright/vitest to devDependencies (then run your install),
  - writes mailwright.config.ts: the sandbox environment, and a commented Office 365 staging one,
  - wires the runner: inboxServer() first in playwright.config's webServer; the global setup and the
    matchers' setup file in vitest.config,
  - writes one example test that passes against the sandbox.
Running it again changes nothing. A file of yours is never replaced without --force.

Options:
  --playwright     set up Playwright Test even if it is not detected
  --vitest         set up Vitest even if it is not detected
  --dir <path>     the project folder (default: the current one)
  --force          replace mailwright.config.ts and the example tests if they exist
  -h, --help       show this help
`

type Runner = 'playwright' | 'vitest'
type Outcome = 'created' | 'updated' | 'unchanged' | 'kept' | 'todo'

interface Step {
  outcome: Outcome
  file: string
  detail: string
}

const DOCS = 'https://github.com/mailwright/mailwright/blob/main/docs'

/**
 * `mailwright init`: sets up Mailwright in the Playwright and/or Vitest project in `--dir` (default the current
 * folder). Idempotent; never replaces a user's file without `--force`. Returns the exit code.
 *
 * @example
 * process.exitCode = await initCommand(['--dir', 'my-app'], { out: console.log })
 */
export async function initCommand(
  argv: string[],
  io: { out: (line: string) => void; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<number> {
  const values = parseCommandArgs(COMMAND, argv, {
    playwright: { type: 'boolean' },
    vitest: { type: 'boolean' },
    dir: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) {
    io.out(INIT_HELP)
    return 0
  }
  const dir = resolve(io.cwd ?? process.cwd(), values.dir ?? '.')
  const manifestFile = join(dir, 'package.json')
  if (!existsSync(manifestFile)) {
    throw new UsageError(
      `${COMMAND}: no package.json in ${dir}. Run it in your project's folder (or create one with \`npm init -y\` and add @playwright/test or vitest).`,
    )
  }
  const manifestText = readFileSync(manifestFile, 'utf8')
  let manifest: Manifest
  try {
    manifest = JSON.parse(manifestText) as Manifest
  } catch (error) {
    throw new UsageError(
      `${COMMAND}: ${manifestFile} is not JSON (${(error as Error).message}); fix it first.`,
    )
  }
  const runners = detectRunners(dir, manifest, values)
  if (runners.length === 0) {
    throw new UsageError(
      `${COMMAND}: found neither Playwright Test nor Vitest in ${dir} (no @playwright/test or vitest in package.json, no playwright.config or vitest.config). Install one first, or name it: --playwright or --vitest.`,
    )
  }
  const force = values.force === true
  const pm = packageManager(dir, io.env ?? process.env)
  const steps: Step[] = []
  steps.push(addDependencies(manifestFile, manifestText, manifest, runners))
  const configFrom = runners.includes('playwright')
    ? '@mailwright/playwright/config'
    : '@mailwright/vitest/config'
  steps.push(writeOwnFile(dir, 'mailwright.config.ts', mailwrightConfig(configFrom), force))
  let playwrightTestDir: string | undefined
  if (runners.includes('playwright')) {
    const wired = wirePlaywright(dir)
    steps.push(wired.step)
    if (wired.todo) steps.push(wired.todo)
    playwrightTestDir = wired.testDir
    steps.push(writeOwnFile(dir, join(wired.testDir, 'mailwright.spec.ts'), PLAYWRIGHT_EXAMPLE, force))
  }
  if (runners.includes('vitest')) {
    steps.push(wireVitest(dir, playwrightTestDir))
    steps.push(writeOwnFile(dir, join('test', 'mailwright.test.ts'), VITEST_EXAMPLE, force))
  }

  const names = runners.map((r) => (r === 'playwright' ? 'Playwright Test' : 'Vitest')).join(' and ')
  io.out(`${COMMAND}: ${names} project in ${dir} (package manager: ${pm})`)
  const changed = steps.filter((s) => s.outcome === 'created' || s.outcome === 'updated')
  for (const step of steps) io.out(`  ${step.outcome.padEnd(9)} ${step.file}: ${step.detail}`)
  const todo = steps.filter((s) => s.outcome === 'todo')
  if (changed.length === 0 && todo.length === 0) {
    io.out('Nothing to change: this project is already set up.')
  }
  const run = pm === 'npm' ? 'npx' : `${pm} exec`
  const next: string[] = []
  if (steps[0]?.outcome === 'updated') next.push(`${pm} install`)
  if (runners.includes('playwright'))
    next.push(`${run} playwright test ${join(playwrightTestDir ?? 'tests', 'mailwright.spec.ts')}`)
  if (runners.includes('vitest')) next.push(`${run} vitest run test/mailwright.test.ts`)
  io.out(`Next: ${next.join(' && ')}`)
  io.out(`Guides: ${runners.map((r) => `${DOCS}/${r}.md`).join(' ')}`)
  return 0
}

interface Manifest {
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  [key: string]: unknown
}

function detectRunners(
  dir: string,
  manifest: Manifest,
  flags: { playwright?: boolean; vitest?: boolean },
): Runner[] {
  if (flags.playwright || flags.vitest) {
    return [
      ...(flags.playwright ? ['playwright' as const] : []),
      ...(flags.vitest ? ['vitest' as const] : []),
    ]
  }
  const deps = { ...manifest.dependencies, ...manifest.devDependencies }
  const runners: Runner[] = []
  if (
    '@playwright/test' in deps ||
    '@mailwright/playwright' in deps ||
    findConfig(dir, 'playwright.config')
  ) {
    runners.push('playwright')
  }
  if ('vitest' in deps || '@mailwright/vitest' in deps || findConfig(dir, 'vitest.config'))
    runners.push('vitest')
  return runners
}

function findConfig(dir: string, base: string): string | undefined {
  for (const ext of ['ts', 'mts', 'js', 'mjs', 'cts', 'cjs']) {
    if (existsSync(join(dir, `${base}.${ext}`))) return `${base}.${ext}`
  }
  return undefined
}

function packageManager(dir: string, env: NodeJS.ProcessEnv): 'npm' | 'pnpm' | 'yarn' {
  if (existsSync(join(dir, 'pnpm-lock.yaml'))) return 'pnpm'
  if (existsSync(join(dir, 'yarn.lock'))) return 'yarn'
  if (existsSync(join(dir, 'package-lock.json'))) return 'npm'
  // Run through `pnpm exec` / `npx` in a project without a lockfile yet: the package manager that ran it.
  const agent = env.npm_config_user_agent ?? ''
  if (agent.startsWith('pnpm')) return 'pnpm'
  if (agent.startsWith('yarn')) return 'yarn'
  return 'npm'
}

function addDependencies(file: string, text: string, manifest: Manifest, runners: Runner[]): Step {
  const has = { ...manifest.dependencies, ...manifest.devDependencies }
  const missing = runners.map((r) => `@mailwright/${r}`).filter((name) => !(name in has))
  if (missing.length === 0) {
    return {
      outcome: 'unchanged',
      file: 'package.json',
      detail: `${runners.map((r) => `@mailwright/${r}`).join(', ')} already there`,
    }
  }
  const devDependencies = { ...manifest.devDependencies }
  for (const name of missing) devDependencies[name] = `^${cliVersion()}`
  manifest.devDependencies = Object.fromEntries(
    Object.entries(devDependencies).sort(([a], [b]) => a.localeCompare(b)),
  )
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  '
  writeFileSync(file, `${JSON.stringify(manifest, null, indent)}\n`)
  return {
    outcome: 'updated',
    file: 'package.json',
    detail: `added ${missing.join(', ')} to devDependencies`,
  }
}

/** A file Mailwright owns outright (its config, the example tests): written once, replaced only with --force. */
function writeOwnFile(dir: string, file: string, content: string, force: boolean): Step {
  const path = join(dir, file)
  if (existsSync(path)) {
    if (readFileSync(path, 'utf8') === content)
      return { outcome: 'unchanged', file, detail: 'already written' }
    if (!force)
      return { outcome: 'kept', file, detail: 'exists and differs; left as is (--force replaces it)' }
    writeFileSync(path, content)
    return { outcome: 'updated', file, detail: 'replaced (--force)' }
  }
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
  return { outcome: 'created', file, detail: describe(file) }
}

function describe(file: string): string {
  if (file === 'mailwright.config.ts') return 'the sandbox environment, and Office 365 staging commented out'
  return 'an example test that sends an email to its inbox and checks it'
}

/** Puts inboxServer() first in playwright.config's webServer, creating the config if there is none. */
function wirePlaywright(dir: string): { step: Step; testDir: string; todo?: Step } {
  const existing = findConfig(dir, 'playwright.config')
  if (!existing) {
    writeFileSync(join(dir, 'playwright.config.ts'), PLAYWRIGHT_CONFIG)
    return {
      step: {
        outcome: 'created',
        file: 'playwright.config.ts',
        detail: 'tests in ./tests, the capture inbox as its first webServer',
      },
      testDir: 'tests',
    }
  }
  const path = join(dir, existing)
  const text = readFileSync(path, 'utf8')
  const testDir = normalizeDir(/\btestDir\s*:\s*['"`]([^'"`]+)['"`]/.exec(text)?.[1] ?? 'tests')
  if (text.includes('@mailwright/playwright')) {
    return {
      step: { outcome: 'unchanged', file: existing, detail: 'already uses @mailwright/playwright' },
      testDir,
    }
  }
  const manual: Step = {
    outcome: 'todo',
    file: existing,
    detail: `could not edit it safely: add \`import { inboxServer } from '@mailwright/playwright'\` and put \`inboxServer()\` first in webServer (${DOCS}/playwright.md)`,
  }
  // An import line in a CommonJS config would not load: say what to add instead.
  if (/\.c[jt]s$/.test(existing) || /\bmodule\.exports\b|\brequire\(/.test(text))
    return { step: manual, testDir }
  let edited: string | undefined
  let appTodo: Step | undefined
  if (/\bwebServer\s*:\s*\[/.test(text)) {
    // The app already started there must be told where the inbox is; its entry is the user's to edit.
    appTodo = {
      outcome: 'todo',
      file: existing,
      detail:
        "give your app's webServer entry `env: { ...smtpEnv() }` (import { smtpEnv } from '@mailwright/playwright') so it sends its mail to the inbox",
    }
    edited = text.replace(
      /\bwebServer\s*:\s*\[/,
      (m) =>
        `${m}\n    // The capture inbox first: the app under test sends its mail there (smtpEnv()).\n    inboxServer(),`,
    )
  } else if (!/\bwebServer\s*:/.test(text) && /defineConfig(<[^>]*>)?\(\s*\{/.test(text)) {
    edited = text.replace(
      /defineConfig(<[^>]*>)?\(\s*\{/,
      (m) =>
        `${m}\n  // The capture inbox (mailwright serve); give your app smtpEnv() to send its mail there.\n  webServer: [inboxServer()],`,
    )
  }
  const withImport =
    edited === undefined
      ? undefined
      : addImport(edited, "import { inboxServer } from '@mailwright/playwright'")
  if (withImport === undefined) return { step: manual, testDir }
  writeFileSync(path, withImport)
  return {
    step: { outcome: 'updated', file: existing, detail: 'inboxServer() is the first webServer' },
    testDir,
    ...(appTodo ? { todo: appTodo } : {}),
  }
}

/** Adds the global setup and the matchers' setup file to vitest.config, creating it if there is none. */
function wireVitest(dir: string, playwrightTestDir: string | undefined): Step {
  // Vitest reads vite.config when there is no vitest.config: a new vitest.config would silently drop the
  // project's plugins, aliases and test settings, so a vite.config is edited instead.
  const existing = findConfig(dir, 'vitest.config') ?? findConfig(dir, 'vite.config')
  if (!existing) {
    writeFileSync(join(dir, 'vitest.config.ts'), vitestConfig(playwrightTestDir))
    return {
      outcome: 'created',
      file: 'vitest.config.ts',
      detail: 'the global setup (one inbox server per run) and the matchers',
    }
  }
  const path = join(dir, existing)
  const text = readFileSync(path, 'utf8')
  if (text.includes('@mailwright/vitest')) {
    return { outcome: 'unchanged', file: existing, detail: 'already uses @mailwright/vitest' }
  }
  const timeout = /\btestTimeout\s*:/.test(text) ? '' : `\n    ${TEST_TIMEOUT}`
  const lines = `\n    globalSetup: ['@mailwright/vitest/global-setup'], // one capture inbox for the run\n    setupFiles: ['@mailwright/vitest/setup'], // the email matchers on expect${timeout}`
  let edited: string | undefined
  if (!/\b(globalSetup|setupFiles)\s*:/.test(text)) {
    // Each added line ends in a comment, so whatever followed on the line goes to a line of its own.
    if (/\btest\s*:\s*\{/.test(text))
      edited = text.replace(/\btest\s*:\s*\{[ \t]*/, (m) => `${m.trimEnd()}${lines}\n    `)
    else if (/defineConfig\(\s*\{/.test(text)) {
      edited = text.replace(/defineConfig\(\s*\{/, (m) => `${m}\n  test: {${lines}\n  },`)
    }
  }
  if (edited === undefined) {
    return {
      outcome: 'todo',
      file: existing,
      detail: `could not edit it safely: add '@mailwright/vitest/global-setup' to test.globalSetup and '@mailwright/vitest/setup' to test.setupFiles (${DOCS}/vitest.md)`,
    }
  }
  writeFileSync(path, edited)
  const exclude =
    playwrightTestDir !== undefined && !text.includes(playwrightTestDir)
      ? `; also exclude Playwright's tests from Vitest: exclude: [...configDefaults.exclude, '${playwrightTestDir}/**']`
      : ''
  return {
    outcome: exclude ? 'todo' : 'updated',
    file: existing,
    detail: `the global setup and the matchers added to test${exclude}`,
  }
}

function addImport(text: string, line: string): string {
  const imports = [...text.matchAll(/^import[^\n]*(?:\n(?!import)[^\n]*)*?from\s+['"][^'"]+['"][^\n]*$/gm)]
  const last = imports.at(-1)
  if (!last || last.index === undefined) return `${line}\n${text}`
  const end = last.index + last[0].length
  return `${text.slice(0, end)}\n${line}${text.slice(end)}`
}

function normalizeDir(dir: string): string {
  return dir.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.'
}

function mailwrightConfig(from: string): string {
  return `import { defineConfig } from '${from}'

// The environments of this suite; MAILWRIGHT_ENV picks one (default: sandbox). ${DOCS}/environments.md
export default defineConfig({
  environments: {
    // The capture inbox on this machine: each test gets its own address, nothing leaves the machine.
    sandbox: { inbox: { type: 'local' } },
    // Real Office 365 (npm install -D @mailwright/office365; import { env } from '${from}', and
    // import type {} from '@mailwright/office365' for its types): the same tests send through
    // smtp.office365.com and read back from a test mailbox. Only allowed recipients get mail.
    // staging: {
    //   transport: {
    //     type: 'office365-smtp',
    //     user: 'qa@contoso.com',
    //     auth: 'oauth2',
    //     tenantId: env('O365_TENANT_ID'),
    //     clientId: env('O365_CLIENT_ID'),
    //     clientSecret: env('O365_CLIENT_SECRET'),
    //   },
    //   inbox: {
    //     type: 'graph',
    //     mailbox: 'qa@contoso.com',
    //     tenantId: env('O365_TENANT_ID'),
    //     clientId: env('O365_CLIENT_ID'),
    //     clientSecret: env('O365_CLIENT_SECRET'),
    //   },
    //   allowRecipients: ['qa+*@contoso.com'],
    // },
  },
})
`
}

const PLAYWRIGHT_CONFIG = `import { inboxServer, type MailwrightOptions } from '@mailwright/playwright'
import { defineConfig } from '@playwright/test'

export default defineConfig<MailwrightOptions>({
  testDir: './tests',
  webServer: [
    // The capture inbox (mailwright serve), first: the app under test sends its mail there.
    inboxServer(),
    // Your application, told where to send mail (import smtpEnv from '@mailwright/playwright'):
    // { command: 'npm start', url: 'http://127.0.0.1:3000', env: smtpEnv() },
  ],
})
`

// Vitest's default test timeout (5 s) is below Mailwright's default email wait (10 s), and a busy CI runner is
// slower still: room for the wait, so a missing email fails with what arrived instead.
const TEST_TIMEOUT = 'testTimeout: 30_000, // room for email waits (10 s by default) on a busy runner'

function vitestConfig(playwrightTestDir: string | undefined): string {
  const exclude =
    playwrightTestDir === undefined
      ? ''
      : `\n    // Playwright's tests are run by Playwright.\n    exclude: [...configDefaults.exclude, '${playwrightTestDir}/**'],`
  return `import { ${playwrightTestDir === undefined ? '' : 'configDefaults, '}defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['@mailwright/vitest/global-setup'], // one capture inbox for the run
    setupFiles: ['@mailwright/vitest/setup'], // the email matchers on expect
    ${TEST_TIMEOUT}${exclude}
  },
})
`
}

// One example for both runners: only the imports and the hint in the comment differ.
const EXAMPLE_TEST = `test('an email reaches the test inbox', async ({ inbox, mailTransport }) => {
  await mailTransport.send({
    from: 'Example App <no-reply@example.test>',
    to: inbox.address,
    subject: 'Welcome to Example App',
    html: '<p>Hello!</p><p><a href="https://example.test/start">Get started</a></p>',
  })
  const email = await inbox.waitForEmail({ subject: /Welcome/ })
  expect(email).toBeSentFrom('no-reply@example.test')
  expect(email).toHaveLink('https://example.test/start', { text: 'Get started' })
  await expect(inbox).not.toReceiveEmail({ subject: /Welcome/ }, { within: 500 })
})
`

const PLAYWRIGHT_EXAMPLE = `import { expect, test } from '@mailwright/playwright'

// Mailwright's example: replace the send with your application's (e.g. sign up with inbox.address).
${EXAMPLE_TEST}`

const VITEST_EXAMPLE = `import { test } from '@mailwright/vitest'
import { expect } from 'vitest'

// Mailwright's example: replace the send with your application's (e.g. your mailer with inbox.address).
${EXAMPLE_TEST}`

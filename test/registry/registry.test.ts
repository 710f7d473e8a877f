// The product as a user gets it: every package published with changesets to a real npm registry on loopback
// (Verdaccio), then installed with npm and with pnpm into fresh projects outside this workspace, which run
// `mailwright init`, a Playwright suite in Chromium and a Vitest suite against a tiny app, and `tsc`.
import { execFile } from 'node:child_process'
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@mailwright/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, type LocalRegistry, startLocalRegistry } from './local-registry.js'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const PACKAGES = [
  'core',
  'inbox-server',
  'report',
  'checks',
  'cli',
  'playwright',
  'vitest',
  'office365',
  'office365-emulator',
  'testcontainers',
]
const NAMES = PACKAGES.map((d) => (d === 'cli' ? 'mailwright' : `@mailwright/${d}`))
// What a sandbox-only install must not carry (the optional back ends and their heavy dependencies).
const OPTIONAL = [
  '@azure/msal-node',
  'imapflow',
  '@mailwright/office365',
  '@mailwright/office365-emulator',
  'testcontainers',
  '@mailwright/testcontainers',
  '@mailwright/checks',
  'caniemail',
  'axe-core',
]
const VERSIONS = JSON.parse(readFileSync(join(repo, 'packages/playwright/package.json'), 'utf8'))
  .devDependencies as Record<string, string>
const ROOT = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).devDependencies as Record<
  string,
  string
>

let registry: LocalRegistry
let work: string
let published: string
const sizes: string[] = []

interface Run {
  code: number
  /** stdout and stderr, for messages. */
  out: string
  stdout: string
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: cleanEnv({ NPM_CONFIG_USERCONFIG: registry.npmrc, CI: 'true', ...env }),
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, out: `${stdout}${stderr}`, stdout })
      },
    )
  })
}

async function ok(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  const result = await run(command, args, cwd, env)
  if (result.code !== 0)
    throw new Error(`\`${command} ${args.join(' ')}\` in ${cwd} exited ${result.code}:\n${result.out}`)
  return result.out
}

beforeAll(async () => {
  registry = await startLocalRegistry(repo)
  work = mkdtempSync(join(tmpdir(), 'mailwright-adopt-'))
  // Release from a copy of the built packages, as a release job would: `changeset version` bumps the
  // versions from the pending changesets, `changeset publish` publishes every package not yet there.
  const release = join(work, 'release')
  mkdirSync(release)
  for (const file of ['pnpm-workspace.yaml', '.changeset'])
    cpSync(join(repo, file), join(release, file), { recursive: true })
  writeFileSync(join(release, 'package.json'), JSON.stringify({ name: 'mailwright-release', private: true }))
  for (const dir of PACKAGES) {
    cpSync(join(repo, 'packages', dir), join(release, 'packages', dir), {
      recursive: true,
      filter: (src) => !/[/\\](node_modules|\.turbo)([/\\]|$)/.test(src),
    })
  }
  // pnpm publish resolves workspace: ranges from the installed workspace: link it from the local store
  // with the machine's own registry settings.
  await ok('pnpm', ['install', '--prefer-offline', '--ignore-scripts'], release, {
    NPM_CONFIG_USERCONFIG: process.env.NPM_CONFIG_USERCONFIG ?? join(homedir(), '.npmrc'),
  })
  const changeset = join(repo, 'node_modules/@changesets/cli/bin.js')
  await ok(process.execPath, [changeset, 'version'], release)
  await ok(process.execPath, [changeset, 'publish', '--no-git-tag'], release)
  published = JSON.parse(readFileSync(join(release, 'packages/playwright/package.json'), 'utf8')).version
}, 600_000)

afterAll(async () => {
  await registry?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
  if (sizes.length > 0) {
    mkdirSync(join(repo, 'test-results'), { recursive: true })
    writeFileSync(join(repo, 'test-results/install-sizes.txt'), `${sizes.join('\n')}\n`)
    console.log(sizes.join('\n'))
  }
})

describe('published to a registry on loopback', () => {
  it('has every package at the released version, with no workspace: ranges', async () => {
    for (const name of NAMES) {
      const view = JSON.parse(await ok('npm', ['view', `${name}@${published}`, '--json'], work))
      expect(view.version, name).toBe(published)
      const ranges = JSON.stringify([view.dependencies, view.peerDependencies])
      expect(ranges, name).not.toContain('workspace:')
    }
  })
})

type Manager = 'npm' | 'pnpm'
type Runner = 'playwright' | 'vitest'

const TOOL: Record<Runner, string> = {
  playwright: `@playwright/test@${VERSIONS['@playwright/test']}`,
  vitest: `vitest@${ROOT.vitest}`,
}

async function install(pm: Manager, dir: string, packages: string[]): Promise<void> {
  if (pm === 'npm') await ok('npm', ['install', '--save-dev', '--no-audit', '--no-fund', ...packages], dir)
  else await ok('pnpm', ['add', '--save-dev', ...packages], dir)
}

function freshProject(name: string): string {
  const dir = join(work, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`,
  )
  return dir
}

function mailwright(pm: Manager, dir: string, args: string[]): Promise<Run> {
  // Never `npx mailwright`: npx would fetch the CLI from the registry when the runner did not bring it.
  return pm === 'npm'
    ? run(join(dir, 'node_modules/.bin/mailwright'), args, dir)
    : run('pnpm', ['exec', 'mailwright', ...args], dir)
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  )
}

function installedSize(dir: string): number {
  let total = 0
  const walk = (path: string) => {
    const stat = lstatSync(path)
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry))
    else if (stat.isFile()) total += stat.size
  }
  walk(join(dir, 'node_modules'))
  return total
}

function installedNames(pm: Manager, dir: string): string[] {
  if (pm === 'pnpm') {
    // pnpm links every package of the virtual store here by its plain name (folder names carry peer suffixes).
    // (The project's direct dependencies are linked at the top instead.)
    return [join(dir, 'node_modules/.pnpm/node_modules'), join(dir, 'node_modules')].flatMap((folder) =>
      readdirSync(folder).flatMap((entry) =>
        entry.startsWith('@') ? readdirSync(join(folder, entry)).map((name) => `${entry}/${name}`) : [entry],
      ),
    )
  }
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>
  }
  return Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, ''))
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

describe.each([
  ['npm', 'playwright'],
  ['pnpm', 'playwright'],
  ['npm', 'vitest'],
  ['pnpm', 'vitest'],
] as const)('%s project with @mailwright/%s only', (pm, runner) => {
  let dir: string

  it('installs with the mailwright command and without the optional back ends', async () => {
    dir = freshProject(`${pm}-${runner}`)
    await install(pm, dir, [`@mailwright/${runner}@${published}`, TOOL[runner]])
    const names = installedNames(pm, dir)
    // Every source map of every installed Mailwright package points at a file that was shipped.
    const packages = ['mailwright', '@mailwright/core', '@mailwright/inbox-server', `@mailwright/${runner}`]
    let maps = 0
    for (const name of packages) {
      // A direct dependency is linked at the top; pnpm hoists the others into its virtual store's node_modules.
      const top = join(dir, 'node_modules', name)
      const root = realpathSync(existsSync(top) ? top : join(dir, 'node_modules/.pnpm/node_modules', name))
      for (const map of listFiles(join(root, 'dist')).filter((f) => f.endsWith('.map'))) {
        maps++
        const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }
        for (const source of sources)
          expect(existsSync(join(dirname(map), source)), `${map} → ${source}`).toBe(true)
      }
    }
    expect(maps).toBeGreaterThan(50)
    // The web UI ships built inside the inbox server (no runtime build, nothing fetched from elsewhere).
    const inboxServer = join(dir, 'node_modules', '@mailwright/inbox-server')
    const uiRoot = realpathSync(
      existsSync(inboxServer)
        ? inboxServer
        : join(dir, 'node_modules/.pnpm/node_modules/@mailwright/inbox-server'),
    )
    for (const file of ['index.html', 'app.js', 'app.css', 'icon.svg'])
      expect(existsSync(join(uiRoot, 'dist/ui', file)), `dist/ui/${file}`).toBe(true)
    for (const optional of OPTIONAL)
      expect(names, `${optional} must not be installed`).not.toContain(optional)
    expect(names).toContain('mailwright')

    const version = await mailwright(pm, dir, ['--version'])
    // pnpm prints its lockfile verification on stderr; the command's own answer is stdout.
    expect(version.code, version.out).toBe(0)
    expect(version.stdout).toBe(`${published}\n`)
    const smtpTest = await mailwright(pm, dir, ['smtp-test', '--host', '127.0.0.1', '--port', '1'])
    expect(smtpTest.code, smtpTest.out).toBe(1)
    expect(smtpTest.out).toContain(
      'mailwright smtp-test needs the @mailwright/office365 package, which is not installed. Add it to the project: npm install -D @mailwright/office365',
    )

    if (pm === 'npm') {
      const alone = freshProject(`${pm}-${runner}-alone`)
      await install(pm, alone, [TOOL[runner]])
      const base = installedSize(alone)
      const withMailwright = installedSize(dir)
      sizes.push(
        `install size (${pm}): ${TOOL[runner]} alone ${mb(base)}; with @mailwright/${runner} ${mb(withMailwright)} (+${mb(withMailwright - base)}, ${(withMailwright / base).toFixed(2)}×)`,
      )
    }
  })

  it('is set up by mailwright init, whose example passes as written', async () => {
    const init = await mailwright(pm, dir, ['init'])
    expect(init.code, init.out).toBe(0)
    expect(init.out).toContain(`package manager: ${pm}`)
    expect(init.out).toMatch(/created\s+mailwright\.config\.ts/)
    const again = await mailwright(pm, dir, ['init'])
    expect(again.out).toContain('Nothing to change: this project is already set up.')

    await install(pm, dir, [
      `typescript@${ROOT.typescript}`,
      `@types/node@${ROOT['@types/node']}`,
      `nodemailer@${VERSIONS.nodemailer}`,
      '@types/nodemailer',
    ])
    const example =
      runner === 'playwright'
        ? ['playwright', 'test', 'tests/mailwright.spec.ts']
        : ['vitest', 'run', 'test/mailwright.test.ts']
    const out = await ok(
      pm === 'npm' ? 'npx' : 'pnpm',
      pm === 'npm' ? ['--no-install', ...example] : ['exec', ...example],
      dir,
    )
    expect(out).toMatch(/1 passed/)
  })

  it('runs a suite against a tiny app and type-checks', async () => {
    writeFileSync(join(dir, 'tsconfig.json'), TSCONFIG)
    if (runner === 'playwright') await writePlaywrightApp(dir)
    else writeVitestApp(dir)
    const exec = (args: string[]) =>
      ok(pm === 'npm' ? 'npx' : 'pnpm', pm === 'npm' ? ['--no-install', ...args] : ['exec', ...args], dir)
    const out = runner === 'playwright' ? await exec(['playwright', 'test']) : await exec(['vitest', 'run'])
    expect(out).toMatch(/2 passed/)
    // Where the run's emails can be watched, printed as it starts.
    expect(out).toMatch(
      runner === 'playwright'
        ? /\[Mailwright inbox\] +Web UI {2}http:\/\/127\.0\.0\.1:\d+\//
        : /Mailwright inbox: http:\/\/127\.0\.0\.1:\d+\/ \(web UI/,
    )
    // tsc exits non-zero on any error, which ok() turns into a failure with its output.
    await exec(['tsc', '--noEmit', '-p', '.'])
  })

  // A content check asks for @mailwright/checks with the install command, and works once it is installed:
  // links requested on loopback, the HTML read against the caniemail data, axe-core in Chromium.
  if (runner === 'playwright')
    it('runs the content checks once @mailwright/checks is installed, and says how to install it before', async () => {
      writeFileSync(join(dir, 'tests/checks.spec.ts'), CHECKS_SPEC)
      const checks = () =>
        run(
          pm === 'npm' ? 'npx' : 'pnpm',
          [...(pm === 'npm' ? ['--no-install'] : ['exec']), 'playwright', 'test', 'tests/checks.spec.ts'],
          dir,
        )
      const before = await checks()
      expect(before.code).not.toBe(0)
      expect(before.out).toContain(
        'needs the @mailwright/checks package, which is not installed. Add it to the project: npm install -D @mailwright/checks',
      )
      await install(pm, dir, [`@mailwright/checks@${published}`])
      const after = await checks()
      expect(after.code, after.out).toBe(0)
      expect(after.out).toMatch(/1 passed/)
    })

  // A back end's type is found in a real install (npm's flat node_modules, pnpm's links) with no step but the
  // install: the config names `type: 'imap'`, and the same suite then reaches for an IMAP server. (In the
  // Vitest projects only: registered for them alone, so no test is skipped.)
  if (runner === 'vitest')
    it("uses an installed back end's inbox type with no other step, and type-checks its config", async () => {
      writeFileSync(join(dir, 'mailwright.config.ts'), IMAP_CONFIG)
      const suite = () =>
        run(
          pm === 'npm' ? 'npx' : 'pnpm',
          [...(pm === 'npm' ? ['--no-install'] : ['exec']), 'vitest', 'run', 'test/welcome.test.ts'],
          dir,
          { MAILWRIGHT_ENV: 'mailbox', IMAP_PASSWORD: 'not-a-secret-here' },
        )
      const before = await suite()
      expect(before.code).not.toBe(0)
      expect(before.out).toContain('inbox.type is "imap". Use one of: local, server.')
      await install(pm, dir, [`@mailwright/office365@${published}`])
      // Found and loaded: its factory reaches for the IMAP server the config names (nothing listens there).
      const after = await suite()
      expect(after.code).not.toBe(0)
      expect(after.out).toContain('Could not open INBOX of qa@tiny.test at 127.0.0.1:1')
      await ok(
        pm === 'npm' ? 'npx' : 'pnpm',
        [...(pm === 'npm' ? ['--no-install'] : ['exec']), 'tsc', '--noEmit', '-p', '.'],
        dir,
      )
    })
})

const CHECKS_SPEC = `import { expect, test } from '@mailwright/playwright'

test('the verification email works, fits the big clients and reads well', async ({ page, inbox }) => {
  await page.goto('/')
  await page.getByLabel('Email').fill(inbox.address)
  await page.getByRole('button', { name: 'Sign up' }).click()
  const email = await inbox.waitForEmail({ subject: /Verify/ })
  await expect(email).toHaveWorkingLinks()
  await expect(email).toBeCompatibleWith(['gmail', 'outlook-windows', 'apple-mail'])
  await expect(email).toBeAccessible({ rules: { 'html-has-lang': false } })
})
`

const IMAP_CONFIG = `import { defineConfig, env } from '@mailwright/vitest/config'
// The types of the back end this config names (type-only: nothing is loaded here).
import type {} from '@mailwright/office365'

export default defineConfig({
  environments: {
    sandbox: { inbox: { type: 'local' } },
    mailbox: {
      inbox: { type: 'imap', host: '127.0.0.1', port: 1, user: 'qa@tiny.test', password: env('IMAP_PASSWORD'), allowPlaintextAuth: true },
    },
  },
})
`

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'es2023',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: false,
      types: ['node'],
    },
    include: ['**/*.ts'],
    exclude: ['node_modules'],
  },
  null,
  2,
)}\n`

const APP = `import { createServer } from 'node:http'
import nodemailer from 'nodemailer'

const port = Number(process.env.PORT)
const mail = nodemailer.createTransport({ host: process.env.SMTP_HOST, port: Number(process.env.SMTP_PORT), secure: false })

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1:' + port)
  res.setHeader('content-type', 'text/html; charset=utf-8')
  if (url.pathname === '/' && req.method === 'GET') {
    res.end('<form method="post" action="/signup"><label>Email <input name="email" type="email"></label><button>Sign up</button></form>')
  } else if (url.pathname === '/signup' && req.method === 'POST') {
    let body = ''
    for await (const chunk of req) body += chunk
    const to = new URLSearchParams(body).get('email') ?? ''
    const link = 'http://127.0.0.1:' + port + '/verify?token=' + Math.random().toString(36).slice(2)
    await mail.sendMail({ from: 'Tiny App <no-reply@tiny.test>', to, subject: 'Verify your email', html: '<a href="' + link + '">Verify email</a>' })
    res.end('<p>Check your inbox</p>')
  } else if (url.pathname === '/verify') {
    res.end('<h1>Email verified</h1>')
  } else {
    res.statusCode = 404
    res.end()
  }
}).listen(port, '127.0.0.1')
`

async function writePlaywrightApp(dir: string): Promise<void> {
  const [smtpPort, httpPort, appPort] = [await freePort(), await freePort(), await freePort()]
  writeFileSync(join(dir, 'app.ts'), APP)
  writeFileSync(
    join(dir, 'playwright.config.ts'),
    `import { CHROMIUM_ARGS, findChromium, inboxServer, type MailwrightOptions, smtpEnv } from '@mailwright/playwright'
import { defineConfig } from '@playwright/test'

const mail = { smtpPort: ${smtpPort}, httpPort: ${httpPort} }

export default defineConfig<MailwrightOptions>({
  testDir: './tests',
  workers: 2,
  use: { baseURL: 'http://127.0.0.1:${appPort}', launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS } },
  webServer: [
    inboxServer(mail),
    { command: 'node app.ts', url: 'http://127.0.0.1:${appPort}/', env: { ...smtpEnv(mail), PORT: '${appPort}' } },
  ],
})
`,
  )
  writeFileSync(
    join(dir, 'tests/signup.spec.ts'),
    `import { expect, test } from '@mailwright/playwright'

test('sign-up sends a verification link that works', async ({ page, inbox }) => {
  await page.goto('/')
  await page.getByLabel('Email').fill(inbox.address)
  await page.getByRole('button', { name: 'Sign up' }).click()
  await expect(page.getByText('Check your inbox')).toBeVisible()
  const email = await inbox.waitForEmail({ subject: /Verify/ })
  expect(email).toBeSentFrom('no-reply@tiny.test')
  expect(email).toHaveLink(/\\/verify\\?token=/, { text: 'Verify email' })
  const link = email.links.find((l) => l.text === 'Verify email')
  await page.goto(link?.href ?? '')
  await expect(page.getByRole('heading')).toHaveText('Email verified')
})
`,
  )
}

function writeVitestApp(dir: string): void {
  writeFileSync(
    join(dir, 'mailer.ts'),
    `import nodemailer from 'nodemailer'

/** The tiny app: its welcome email, sent where the environment says (the capture inbox under test). */
export async function sendWelcome(to: string): Promise<void> {
  const mail = nodemailer.createTransport({ host: process.env.SMTP_HOST, port: Number(process.env.SMTP_PORT), secure: false })
  await mail.sendMail({ from: 'Tiny App <hello@tiny.test>', to, subject: 'Welcome, friend', html: '<a href="https://tiny.test/start">Get started</a>' })
}
`,
  )
  writeFileSync(
    join(dir, 'test/welcome.test.ts'),
    `import { test } from '@mailwright/vitest'
import { expect } from 'vitest'
import { sendWelcome } from '../mailer.ts'

test('the welcome email links to the start page', async ({ inbox }) => {
  await sendWelcome(inbox.address)
  const email = await inbox.waitForEmail({ subject: /Welcome/ })
  expect(email).toBeSentFrom({ address: 'hello@tiny.test', name: 'Tiny App' })
  expect(email).toHaveLink('https://tiny.test/start', { text: 'Get started' })
})
`,
  )
}

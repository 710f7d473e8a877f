import { execFile } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { budget } from '../../core/src/time-budget.test-util.js'
import { initCommand } from './init-command.js'

const run = promisify(execFile)
const repo = fileURLToPath(new URL('../../..', import.meta.url))
const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailwright-init-'))
  dirs.push(dir)
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), content)
  }
  return dir
}

async function init(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = []
  // No package manager's user agent: the lockfile (or its absence) decides, as on a user's machine.
  const code = await initCommand(['--dir', dir, ...args], { out: (line) => lines.push(line), env: {} })
  return { code, out: lines.join('\n') }
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')

describe('mailwright init', () => {
  it('sets up a fresh Playwright project, then changes nothing on a second run', async () => {
    const dir = project({
      'package.json': JSON.stringify(
        { name: 'app', devDependencies: { '@playwright/test': '^1.50.0' } },
        null,
        2,
      ),
    })
    const first = await init(dir)
    expect(first.code).toBe(0)
    expect(first.out).toContain('Playwright Test project')
    expect(JSON.parse(read(dir, 'package.json')).devDependencies).toEqual({
      '@mailwright/playwright': expect.stringMatching(/^\^\d+\.\d+\.\d+/),
      '@playwright/test': '^1.50.0',
    })
    expect(read(dir, 'mailwright.config.ts')).toContain("from '@mailwright/playwright/config'")
    expect(read(dir, 'playwright.config.ts')).toContain('inboxServer()')
    expect(read(dir, 'tests/mailwright.spec.ts')).toContain("from '@mailwright/playwright'")
    expect(first.out).toMatch(/Next: npm install && npx playwright test tests\/mailwright\.spec\.ts/)

    const before = snapshot(dir)
    const second = await init(dir)
    expect(second.code).toBe(0)
    expect(second.out).toContain('Nothing to change: this project is already set up.')
    expect(snapshot(dir)).toEqual(before)
  })

  it("puts the inbox first in an existing playwright.config's webServer list and imports it", async () => {
    const dir = project({
      'package.json': JSON.stringify({ devDependencies: { '@playwright/test': '1.65.1' } }),
      'pnpm-lock.yaml': '',
      'playwright.config.ts': `import { defineConfig, devices } from '@playwright/test'

export default defineConfig({
  testDir: './e2e',
  webServer: [{ command: 'npm start', url: 'http://127.0.0.1:3000' }],
})
`,
    })
    const result = await init(dir)
    const config = read(dir, 'playwright.config.ts')
    expect(config).toMatch(
      /^import \{ defineConfig, devices \} from '@playwright\/test'\nimport \{ inboxServer \} from '@mailwright\/playwright'\n/,
    )
    expect(config).toMatch(/webServer: \[\n\s+\/\/[^\n]*\n\s+inboxServer\(\),\{ command: 'npm start'/)
    expect(read(dir, 'e2e/mailwright.spec.ts')).toContain('waitForEmail')
    expect(result.out).toMatch(
      /todo\s+playwright\.config\.ts: give your app's webServer entry `env: \{ \.\.\.smtpEnv\(\) \}`/,
    )
    expect(result.out).toContain('package manager: pnpm')
    expect(result.out).toContain('pnpm exec playwright test e2e/mailwright.spec.ts')
  })

  it('says what to add by hand when the config cannot be edited safely', async () => {
    const dir = project({
      'package.json': JSON.stringify({ devDependencies: { '@playwright/test': '1.65.1' } }),
      'playwright.config.ts': "import base from './base'\nexport default { ...base, webServer: server() }\n",
    })
    const result = await init(dir)
    expect(result.code).toBe(0)
    expect(result.out).toMatch(
      /todo\s+playwright\.config\.ts: could not edit it safely: add `import \{ inboxServer \}/,
    )
    expect(read(dir, 'playwright.config.ts')).toBe(
      "import base from './base'\nexport default { ...base, webServer: server() }\n",
    )
  })

  it("keeps a user's mailwright.config.ts unless --force", async () => {
    const mine = "export default { environments: { sandbox: { inbox: { type: 'local' } } } }\n"
    const dir = project({
      'package.json': JSON.stringify({ devDependencies: { vitest: '^4.0.0' } }),
      'mailwright.config.ts': mine,
    })
    const kept = await init(dir)
    expect(kept.out).toMatch(
      /kept\s+mailwright\.config\.ts: exists and differs; left as is \(--force replaces it\)/,
    )
    expect(read(dir, 'mailwright.config.ts')).toBe(mine)
    const forced = await init(dir, '--force')
    expect(forced.out).toMatch(/updated\s+mailwright\.config\.ts: replaced \(--force\)/)
    expect(read(dir, 'mailwright.config.ts')).toContain("from '@mailwright/vitest/config'")
  })

  it('adds the setup to an existing vitest.config, and excludes the Playwright tests when both runners are there', async () => {
    const dir = project({
      'package.json': JSON.stringify({ devDependencies: { vitest: '^4.0.0' } }),
      'vitest.config.ts':
        "import { defineConfig } from 'vitest/config'\nexport default defineConfig({ test: { environment: 'node' } })\n",
    })
    await init(dir)
    expect(read(dir, 'vitest.config.ts')).toContain("setupFiles: ['@mailwright/vitest/setup']")
    // The user's own setting is kept, on a line of its own (not swallowed by the added lines' comments).
    expect(read(dir, 'vitest.config.ts')).toMatch(/\n\s+environment: 'node' \} \}\)\n$/)
    expect(read(dir, 'vitest.config.ts')).toContain('testTimeout: 30_000')

    const both = project({
      'package.json': JSON.stringify({ devDependencies: { vitest: '4', '@playwright/test': '1' } }),
    })
    const result = await init(both)
    expect(result.out).toContain('Playwright Test and Vitest project')
    expect(read(both, 'vitest.config.ts')).toContain("exclude: [...configDefaults.exclude, 'tests/**']")
    expect(read(both, 'mailwright.config.ts')).toContain('@mailwright/playwright/config')
  })

  it("edits a Vite project's vite.config rather than creating a vitest.config that would hide it", async () => {
    const vite =
      "import { defineConfig } from 'vite'\nexport default defineConfig({\n  plugins: [],\n  test: { environment: 'jsdom' },\n})\n"
    const dir = project({
      'package.json': JSON.stringify({ devDependencies: { vitest: '4', vite: '8' } }),
      'vite.config.ts': vite,
    })
    const result = await init(dir)
    expect(result.out).toMatch(/updated\s+vite\.config\.ts: the global setup and the matchers added to test/)
    expect(existsSync(join(dir, 'vitest.config.ts'))).toBe(false)
    expect(read(dir, 'vite.config.ts')).toContain("setupFiles: ['@mailwright/vitest/setup']")
    expect(read(dir, 'vite.config.ts')).toMatch(/\n\s+environment: 'jsdom' \},/)
  })

  it('says what to add to a CommonJS playwright.config instead of adding an import it could not load', async () => {
    const cjs =
      "const { defineConfig } = require('@playwright/test')\nmodule.exports = defineConfig({ testDir: './e2e' })\n"
    const dir = project({
      'package.json': JSON.stringify({ devDependencies: { '@playwright/test': '1' } }),
      'playwright.config.js': cjs,
    })
    const result = await init(dir)
    expect(result.out).toMatch(/todo\s+playwright\.config\.js: could not edit it safely/)
    expect(read(dir, 'playwright.config.js')).toBe(cjs)
  })

  it('refuses a folder with no test runner, naming the flags', async () => {
    const dir = project({ 'package.json': '{}' })
    await expect(init(dir)).rejects.toThrow(
      /found neither Playwright Test nor Vitest .* name it: --playwright or --vitest\./,
    )
  })

  it(
    'writes a Vitest project whose example passes and whose types check with no extra reference',
    async () => {
      const dir = project({
        'package.json': JSON.stringify({ type: 'module', devDependencies: { vitest: '*' } }),
        'tsconfig.json': JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            target: 'es2023',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
          },
        }),
      })
      await init(dir)
      // The packages this workspace builds, where an install would put them.
      mkdirSync(join(dir, 'node_modules/@mailwright'), { recursive: true })
      mkdirSync(join(dir, 'node_modules/@types'), { recursive: true })
      symlinkSync(join(repo, 'packages/vitest'), join(dir, 'node_modules/@mailwright/vitest'))
      for (const name of ['vitest', 'typescript', '@types/node']) {
        symlinkSync(realpathSync(join(repo, 'node_modules', name)), join(dir, 'node_modules', name))
      }
      const env = { ...process.env, CI: '', VITEST: undefined, VITEST_WORKER_ID: undefined, NODE_OPTIONS: '' }
      const tsc = await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], {
        cwd: dir,
        env,
      }).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }))
      expect(tsc.stdout).toBe('')
      const vitest = await run(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run'], {
        cwd: dir,
        env,
      })
      expect(vitest.stdout).toMatch(/1 passed/)
    },
    budget(60_000),
  )
})

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    ['package.json', 'mailwright.config.ts', 'playwright.config.ts', 'tests/mailwright.spec.ts'].map((f) => [
      f,
      read(dir, f),
    ]),
  )
}

import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@mailwright/core'
import { CHROMIUM_ARGS, findChromium } from '@mailwright/core/internal'
import type { EmailReport } from '@mailwright/report'
import { chromium } from '@playwright/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runNode } from '../../core/src/run-node.test-util.js'
import { budget } from '../../core/src/time-budget.test-util.js'

// The email evidence report from real runs of the Playwright example (sharded in two, as across machines),
// the release gate over them, the HTML report looked at in Chromium, and a run that fails on purpose.
const example = fileURLToPath(new URL('../../../examples/playwright-signup/', import.meta.url))
const evidenceProject = fileURLToPath(new URL('../test/evidence-project/', import.meta.url))
const playwrightCli = fileURLToPath(import.meta.resolve('@playwright/test/cli'))
const mailwrightBin = fileURLToPath(import.meta.resolve('mailwright/bin'))

const gate = (args: string[]) => runNode(mailwrightBin, ['gate', ...args], example)
const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as EmailReport

describe('the email report of the Playwright example, sharded in two, and mailwright gate', () => {
  const shards: string[] = []
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailwright-report-'))
    for (const shard of [1, 2]) {
      const results = join(dir, `shard-${shard}`)
      const ports = {
        MAILWRIGHT_SMTP_PORT: String(await freePort()),
        MAILWRIGHT_HTTP_PORT: String(await freePort()),
        SIGNUP_APP_PORT: String(await freePort()),
      }
      const shardRun = await runNode(playwrightCli, ['test', `--shard=${shard}/2`], example, {
        ...ports,
        EXAMPLE_RESULTS_DIR: results,
        GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
      })
      expect(shardRun.code, shardRun.output).toBe(0)
      shards.push(join(results, 'mailwright-report.json'))
    }
  }, 180_000)

  it('each shard writes its own report; together they hold every test once, with its emails and verdicts', () => {
    const [one, two] = shards.map(readReport) as [EmailReport, EmailReport]
    expect(one.shard).toEqual({ current: 1, total: 2 })
    expect(two.shard).toEqual({ current: 2, total: 2 })
    const keys = [...one.tests, ...two.tests].map((t) => t.key)
    expect(keys).toHaveLength(79)
    expect(new Set(keys).size).toBe(79)
    const signup = [...one.tests, ...two.tests].find((t) => t.title.startsWith('sign-up sends'))
    expect(signup).toMatchObject({ environment: 'sandbox', project: 'sandbox', status: 'passed' })
    const [email] = signup?.emails ?? []
    expect(email).toMatchObject({
      from: 'no-reply@signup-app.test',
      subject: 'Verify your email address',
      waited: true,
      asserted: true,
      auth: { spf: 'pass', dmarc: { result: 'pass', policy: 'reject', aligned: true } },
    })
    expect(email?.auth?.source).toMatch(/^computed by mailwright/)
    expect(email?.size).toBeGreaterThan(500)
    expect(email?.waitMs).toBeGreaterThan(0)
    expect(signup?.assertions.map((a) => [a.matcher, a.passed])).toContainEqual(['toHavePassedDmarc', true])
    expect(signup?.waits[0]?.title).toMatch(/^wait for email to sign-up-sends/)
  })

  it('writes Markdown and JUnit XML beside each report', () => {
    const shard = shards.find((f) => readReport(f).tests.some((t) => t.title.startsWith('sign-up sends')))
    const markdown = readFileSync((shard as string).replace(/\.json$/, '.md'), 'utf8')
    expect(markdown).toMatch(/^## Mailwright: email checks \(shard [12]\/2\)/)
    expect(markdown).toContain(
      '| [sandbox] signup.spec.ts > sign-up sends a verification email whose link verifies the account | sandbox | passed | 1 |',
    )
    // Each shard's own JUnit file beside its JSON: the shards (and another runner's reporter) share the folder.
    const junit = readFileSync((shard as string).replace(/\.json$/, '.junit.xml'), 'utf8')
    expect(junit).toContain('<property name="mailwright.environment" value="sandbox"/>')
    expect(junit).toMatch(
      /<property name="mailwright\.email\.1" value="Verify your email address \| no-reply@signup-app\.test → sign-up-sends-a-verifica\+\w{6,8}@inbox\.test \| \d+ B \| DMARC pass"\/>/,
    )
  })

  it("appends each shard's Markdown to $GITHUB_STEP_SUMMARY", () => {
    const summary = readFileSync(join(dir, 'step-summary.md'), 'utf8')
    expect(summary.match(/^## Mailwright: email checks \(shard [12]\/2\)$/gm)).toEqual([
      '## Mailwright: email checks (shard 1/2)',
      '## Mailwright: email checks (shard 2/2)',
    ])
  })

  it("the gate merges the shards and passes the example's policy (exit 0)", async () => {
    const merged = join(dir, 'merged.json')
    const result = await gate([
      ...shards,
      '--policy',
      'mailwright.gate.json',
      '--merged',
      merged,
      '--markdown',
      join(dir, 'merged.md'),
      '--junit',
      join(dir, 'merged.xml'),
    ])
    expect(readReport(merged).tests).toHaveLength(79)
    expect(readReport(merged).shard).toBeUndefined()
    // One summary and one JUnit file for the whole sharded run.
    expect(readFileSync(join(dir, 'merged.md'), 'utf8')).toMatch(
      /^## Mailwright: email checks\n\n\d+ tests touched email · 0 failed/,
    )
    expect(readFileSync(join(dir, 'merged.xml'), 'utf8')).toContain(
      '<testsuites name="mailwright" tests="79" failures="0"',
    )
    expect(result.output).toContain(
      '79 tests from 2 reports; rules: no-failed-email-assertions, dmarc-pass, max-size, spam-score, client-compatibility, working-links, accessible',
    )
    expect(result.output).toContain('mailwright gate: no violations.')
    expect(result.code).toBe(0)
  })

  it('the gate fails a stricter policy with a table naming test, email and rule (exit 1)', async () => {
    const policy = join(dir, 'strict.json')
    writeFileSync(
      policy,
      JSON.stringify({
        rules: [
          { rule: 'max-size', kb: 1 },
          { rule: 'bulk-sender', where: { subject: 'Verify' } },
        ],
      }),
    )
    const result = await gate([...shards, '--policy', policy])
    expect(result.code).toBe(1)
    const lines = result.output.split('\n')
    expect(lines).toContainEqual(expect.stringMatching(/^mailwright gate: \d+ violations$/))
    expect(lines).toContainEqual(expect.stringMatching(/^test\s+email\s+rule\s+detail$/))
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\[sandbox\] signup\.spec\.ts > sign-up sends a verifica.*"Verify your email address" → sign-up-.*max-size\s+1\.\d KB is over 1 KB$/,
      ),
    )
    expect(lines).toContainEqual(
      expect.stringMatching(
        /bulk-sender\s+not met: List-Unsubscribe has an https URL; List-Unsubscribe-Post/,
      ),
    )
    // On GitHub Actions the same violations also become error annotations.
    const actions = await runNode(mailwrightBin, ['gate', ...shards, '--policy', policy], example, {
      GITHUB_ACTIONS: 'true',
    })
    expect(actions.output.split('\n')).toContainEqual(
      expect.stringMatching(
        /^::error title=mailwright gate%3A max-size::\[sandbox\] signup\.spec\.ts > sign-up sends a verification email whose link verifies the account \| "Verify your email address" → sign-up-.* \| 1\.\d KB is over 1 KB$/,
      ),
    )
    const json = await gate([...shards, '--policy', policy, '--json'])
    expect(JSON.parse(json.output).violations.length).toBeGreaterThan(50)
  })

  it('a policy that breaks the schema is refused with the key, the value and the fix (exit 2)', async () => {
    const policy = join(dir, 'bad.json')
    writeFileSync(policy, JSON.stringify({ rules: [{ rule: 'max-size', kb: 'big' }] }))
    const result = await gate([...shards, '--policy', policy])
    expect(result.code).toBe(2)
    expect(result.output).toContain(
      `mailwright gate: ${policy}: rules[0].kb is "big". Expected a number of kilobytes > 0, e.g. "kb": 100.`,
    )
    const notAReport = await gate([policy])
    expect(notAReport.code).toBe(2)
    expect(notAReport.output).toContain(`${policy} is not a Mailwright report`)
  })

  describe('the HTML report in Chromium', () => {
    let server: Server
    let base: string
    beforeAll(async () => {
      const shard = shards.find((f) => readReport(f).tests.some((t) => t.title.startsWith('sign-up sends')))
      const root = join(shard as string, '..', 'html')
      server = createServer((req, res) => {
        const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)))
        if (!path.startsWith(root)) return void res.writeHead(403).end()
        try {
          const body = readFileSync(path.endsWith('/') ? join(path, 'index.html') : path)
          const types: Record<string, string> = {
            '.html': 'text/html',
            '.png': 'image/png',
            '.js': 'text/javascript',
            '.css': 'text/css',
          }
          res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body)
        } catch {
          res.writeHead(404).end()
        }
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    })
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve))
    })

    it(
      "shows the sign-up test's rendered email, and the image loads",
      async () => {
        const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })
        try {
          const page = await browser.newPage()
          await page.goto(`${base}/index.html`)
          await page
            .getByText('sign-up sends a verification email whose link verifies the account')
            .first()
            .click()
          const image = page.locator('img[src$=".png"]').first()
          await image.scrollIntoViewIfNeeded()
          await expect
            .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
            .toBeGreaterThan(100)
          await page
            .getByText(/email-1-verify-your-email-address\.png/)
            .first()
            .waitFor()
          // The record the reporter reads travels as an attachment the report does not show.
          expect(await page.getByText('_mailwright-record').count()).toBe(0)
        } finally {
          await browser.close()
        }
      },
      budget(60_000),
    )
  })
})

describe('a run that fails on purpose', () => {
  it(
    'reports the failed email assertion, and the gate names it (exit 1)',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mailwright-report-fail-'))
      const reportFile = join(dir, 'mailwright-report.json')
      const result = await runNode(
        playwrightCli,
        [
          'test',
          '-c',
          join(evidenceProject, 'playwright.config.ts'),
          '--reporter',
          '@mailwright/playwright/reporter',
        ],
        evidenceProject,
        { MAILWRIGHT_REPORT: reportFile },
      )
      expect(result.code, result.output).toBe(1)
      const report = readReport(reportFile)
      const failed = report.tests.find((t) => t.title === 'fails on purpose after an email arrived')
      expect(failed?.status).toBe('failed')
      expect(failed?.assertions).toEqual([
        expect.objectContaining({
          matcher: 'toHaveSubject',
          passed: false,
          message: expect.stringContaining('toHaveSubject("Something else") failed'),
        }),
      ])
      const verdict = await gate([reportFile])
      expect(verdict.code).toBe(1)
      expect(verdict.output).toMatch(
        /fails on purpose after an email arrived\s+"Evidence please" → fails-on-purpose-after-a\+\w{6,8}@\S*\s+no-failed-email-assertions\s+toHaveSubject: expect\(email\)\.toHaveSubject\("Something else"\) failed/,
      )
    },
    budget(60_000),
  )
})

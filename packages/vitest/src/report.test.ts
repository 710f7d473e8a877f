import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EmailReport } from '@mailwright/report'
import { beforeAll, describe, expect, it } from 'vitest'
import { dockerImage, itWith } from '../../core/src/requirement.test-util.js'
import { runNode, VITEST_CLI } from '../../core/src/run-node.test-util.js'
import { budget } from '../../core/src/time-budget.test-util.js'

// @mailwright/vitest/reporter on real runs: the vitest-mailer example in the sandbox and in a MailDev
// container (the gate compares the two), and a project that fails on purpose.
const example = fileURLToPath(new URL('../../../examples/vitest-mailer/', import.meta.url))
const evidenceProject = fileURLToPath(new URL('../test/evidence-project/', import.meta.url))
const mailwrightBin = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url))
const IMAGE = process.env.MAILWRIGHT_MAILDEV_IMAGE || 'mailwright/maildev:3.0.0'
const docker = dockerImage(IMAGE)

const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as EmailReport

describe('the email report of the Vitest example', () => {
  let dir: string
  let sandbox: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailwright-vitest-report-'))
    sandbox = join(dir, 'sandbox.json')
    const result = await runNode(VITEST_CLI, ['run', 'src/mailer.test.ts'], example, {
      MAILWRIGHT_REPORT: sandbox,
    })
    expect(result.code, result.output).toBe(0)
  }, budget(120_000))

  it('holds each test with its environment, emails, matcher calls and waits', () => {
    const report = readReport(sandbox)
    expect(report).toMatchObject({ tool: 'mailwright', version: 1, runner: 'vitest' })
    const welcome = report.tests.find((t) => t.title === 'welcome email')
    expect(welcome).toMatchObject({
      key: 'src/mailer.test.ts > welcome email',
      environment: 'sandbox',
      status: 'passed',
      project: 'vitest-mailer',
    })
    expect(welcome?.emails).toEqual([
      expect.objectContaining({
        subject: 'Welcome to Acme, Alice',
        from: 'no-reply@acme.test',
        waited: true,
        asserted: true,
        links: expect.arrayContaining(['https://acme.test/start']),
      }),
    ])
    expect(welcome?.assertions.map((a) => a.matcher)).toEqual([
      'toBeSentFrom',
      'toBeSentTo',
      'toHaveSubject',
      'toHaveReplyTo',
      'toHaveHeader',
      'toContainText',
      'toHaveLink',
    ])
    expect(welcome?.assertions.every((a) => a.passed)).toBe(true)
    expect(welcome?.waits).toEqual([
      expect.objectContaining({
        outcome: 'ok',
        title: expect.stringMatching(
          /^wait for email to welcome-email\+\w{6,8}@inbox\.test matching \{ subject: \/Welcome\/ \}$/,
        ),
      }),
    ])
    const junit = readFileSync(join(dir, 'sandbox.junit.xml'), 'utf8')
    expect(junit).toContain('<testcase classname="src/mailer.test.ts" name="[vitest-mailer] welcome email"')
    expect(readFileSync(join(dir, 'sandbox.md'), 'utf8')).toContain(
      '| [vitest-mailer] src/mailer.test.ts > welcome email | sandbox | passed | 1 | 7 |',
    )
  })

  it(
    'two Vitest shards write a report each; the gate merges them',
    async () => {
      const shards = [join(dir, 'shard-1.json'), join(dir, 'shard-2.json')]
      for (const [i, file] of shards.entries()) {
        const result = await runNode(VITEST_CLI, ['run', `--shard=${i + 1}/2`], example, {
          MAILWRIGHT_REPORT: file,
        })
        expect(result.code, result.output).toBe(0)
        expect(readReport(file).shard).toEqual({ current: i + 1, total: 2 })
      }
      const keys = shards.flatMap((f) => readReport(f).tests.map((t) => t.key))
      expect(new Set(keys).size).toBe(keys.length)
      const gate = await runNode(mailwrightBin, ['gate', ...shards], dir)
      expect(gate.output).toContain(`${keys.length} tests from 2 reports`)
      expect(gate.code).toBe(0)
    },
    budget(120_000),
  )

  itWith(docker)(
    'the same tests in a MailDev container saw the same subjects and links: the gate compares the environments',
    async () => {
      const containers = join(dir, 'containers.json')
      const result = await runNode(VITEST_CLI, ['run', 'src/mailer.test.ts'], example, {
        MAILWRIGHT_ENV: 'containers',
        MAILWRIGHT_REPORT: containers,
      })
      expect(result.code, result.output).toBe(0)
      expect(new Set(readReport(containers).tests.map((t) => t.environment))).toEqual(new Set(['containers']))
      const policy = join(dir, 'same.json')
      writeFileSync(
        policy,
        JSON.stringify({
          rules: [
            {
              rule: 'same-across-environments',
              environments: ['sandbox', 'containers'],
              compare: ['subject', 'links', 'from'],
            },
          ],
        }),
      )
      const gate = await runNode(mailwrightBin, ['gate', sandbox, containers, '--policy', policy], dir)
      expect(gate.output).toContain('mailwright gate: no violations.')
      expect(gate.code).toBe(0)
    },
    budget(120_000),
  )
})

describe('a Vitest project that fails on purpose', () => {
  it(
    'reports the failed email assertion and the failed test, and the gate exits 1',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mailwright-vitest-report-fail-'))
      const reportFile = join(dir, 'report.json')
      const result = await runNode(
        VITEST_CLI,
        ['run', '--reporter=@mailwright/vitest/reporter'],
        evidenceProject,
        {
          MAILWRIGHT_REPORT: reportFile,
          REPORT_FILE: join(dir, 'annotations.json'),
        },
      )
      expect(result.code, result.output).toBe(1)
      const report = readReport(reportFile)
      const byTitle = new Map(report.tests.map((t) => [t.title, t]))
      expect(byTitle.get('fails on purpose after an email arrived')?.assertions).toEqual([
        expect.objectContaining({
          matcher: 'toHaveSubject',
          passed: false,
          message: expect.stringContaining('toHaveSubject("Something else") failed'),
        }),
      ])
      expect(byTitle.get('fails for a reason Mailwright does not see')).toMatchObject({
        status: 'failed',
        assertions: [],
      })
      expect(byTitle.get('passes without annotations')?.status).toBe('passed')
      // Mail that reached the inbox without the test looking at it is in the report too (for gates on all mail).
      expect(byTitle.get('receives an email it never waits for')?.emails).toEqual([
        expect.objectContaining({ subject: 'Never looked at', waited: false, asserted: false }),
      ])
      const gate = await runNode(mailwrightBin, ['gate', reportFile], dir)
      expect(gate.code).toBe(1)
      // The failed matcher, and the failed waits of the timeout and the .not tests (the .not twice: its matcher
      // and the expectNoEmail under it).
      expect(gate.output).toContain('mailwright gate: 4 violations')
      expect(gate.output).toMatch(
        /a timed-out wait carries the email that arrived instead\s+–\s+no-failed-email-assertions/,
      )
      expect(gate.output).toMatch(
        /fails on purpose after an email arrived\s+"Evidence please".*no-failed-email-assertions\s+toHaveSubject/,
      )
    },
    budget(120_000),
  )
})

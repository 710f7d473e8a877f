import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { describe, expect, it } from 'vitest'
import { runNode, VITEST_CLI } from '../../core/src/run-node.test-util.js'
import { budget } from '../../core/src/time-budget.test-util.js'

const script = fileURLToPath(new URL('../../../scripts/demo-staging.ts', import.meta.url))
const vitestExample = fileURLToPath(new URL('../../../examples/vitest-mailer/', import.meta.url))
const mailwrightBin = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url))

describe('pnpm demo:staging', () => {
  it(
    'runs the Vitest and Playwright examples under MAILWRIGHT_ENV=staging against the Office 365 emulator',
    async () => {
      const reports = mkdtempSync(join(tmpdir(), 'mailwright-demo-staging-'))
      const { code, output } = await runNode(script, [], process.cwd(), { DEMO_REPORT_DIR: reports })
      expect(code, output).toBe(0)
      // Nothing failed; what was skipped is the simulated faults, which need the capture inbox.
      const tests = /Tests\s+(\d+) passed \| (\d+) skipped \((\d+)\)/.exec(output)
      expect(Number(tests?.[1]) + Number(tests?.[2]), output).toBe(Number(tests?.[3]))
      expect(Number(tests?.[1])).toBeGreaterThanOrEqual(60)
      expect(Number(tests?.[2]), output).toBe(5)
      expect(output).toMatch(/^\s*4 skipped$/m)
      // Playwright's list reporter: "70 passed (9.4s)", and nothing failed or flaky.
      expect(Number(/^\s*(\d+) passed \(\d/m.exec(output)?.[1]), output).toBeGreaterThanOrEqual(70)
      expect(output).not.toMatch(/^\s*\d+ (failed|flaky)$/m)
      // The app really submitted to the emulated Office 365, and the tests read its mailbox.
      const counts = /accepted (\d+) submissions and holds (\d+) messages for qa@contoso\.test/.exec(output)
      expect(Number(counts?.[1])).toBeGreaterThanOrEqual(100)
      expect(Number(counts?.[2])).toBeGreaterThanOrEqual(100)
      expect(output).not.toContain('demo-client-secret')

      // After the 250: the bounce and the Junk Email of after-delivery.spec.ts were detected (the tests fail
      // as expected), explained in the failure, and the report and the email attached.
      const pw = JSON.parse(
        readFileSync(join(reports, 'playwright-signup.json-results', 'report.json'), 'utf8'),
      ) as PlaywrightReport
      const bounce = result(pw, 'an invitation to a mistyped address bounces')
      expect(bounce?.status).toBe('failed')
      expect(bounce?.error).toMatch(
        /nobody@contoso\.test: 5\.1\.10 550 5\.1\.10 RESOLVER\.ADR\.RecipientNotFound/,
      )
      expect(bounce?.error).toMatch(/Recipient not found: The recipient address does not exist/)
      expect(bounce?.attachments).toContainEqual(
        expect.stringMatching(/^email-\d+-undeliverable-you-are-invited\.eml$/),
      )
      const junk = result(pw, 'mail Exchange files in Junk Email')
      expect(junk?.status).toBe('failed')
      expect(junk?.error).toMatch(
        /filed in Junk Email; SCL 5 \(spam\); SFV:SKS \(marked spam by a mail flow rule\)/,
      )
      expect(junk?.attachments).toContainEqual(expect.stringMatching(/^email-\d+-you-won-a-prize\.eml$/))

      // The same Vitest example in the sandbox: the gate finds that both environments' tests saw the same
      // subjects, senders and link paths, and that staging's verdicts (Exchange's stamp) pass DMARC.
      const sandbox = await runNode(VITEST_CLI, ['run'], vitestExample, {
        MAILWRIGHT_REPORT: join(reports, 'sandbox.json'),
      })
      expect(sandbox.code, sandbox.output).toBe(0)
      const policy = join(reports, 'policy.json')
      writeFileSync(
        policy,
        JSON.stringify({
          rules: [
            { rule: 'no-failed-email-assertions' },
            {
              rule: 'same-across-environments',
              environments: ['sandbox', 'staging'],
              compare: ['subject', 'from', 'links'],
            },
          ],
        }),
      )
      const gate = await runNode(
        mailwrightBin,
        ['gate', join(reports, 'sandbox.json'), join(reports, 'vitest-mailer.json'), '--policy', policy],
        reports,
      )
      expect(gate.output).toMatch(
        /^\d+ tests from 2 reports; rules: no-failed-email-assertions, same-across-environments$/m,
      )
      expect(gate.output).toContain('mailwright gate: no violations.')
      expect(gate.code).toBe(0)
    },
    budget(240_000),
  )
})

interface PlaywrightReport {
  suites?: PlaywrightReport[]
  specs?: Array<{
    title: string
    tests: Array<{
      results: Array<{
        status: string
        errors?: Array<{ message?: string }>
        attachments: Array<{ name: string }>
      }>
    }>
  }>
}

// A test's last result in Playwright's JSON report: its status, error text and attachment names.
function result(report: PlaywrightReport, titleStart: string) {
  const specs = (suite: PlaywrightReport): NonNullable<PlaywrightReport['specs']> => [
    ...(suite.specs ?? []),
    ...(suite.suites ?? []).flatMap(specs),
  ]
  const last = specs(report)
    .find((s) => s.title.startsWith(titleStart))
    ?.tests[0]?.results.at(-1)
  return last
    ? {
        status: last.status,
        // Without the terminal colours.
        error: stripVTControlCharacters((last.errors ?? []).map((e) => e.message ?? '').join('\n')),
        attachments: last.attachments.map((a) => a.name),
      }
    : undefined
}

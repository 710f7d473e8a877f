import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
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
      const tests = /Tests\s+(\d+) passed \((\d+)\)/.exec(output)
      expect(tests?.[1], output).toBe(tests?.[2])
      expect(Number(tests?.[1])).toBeGreaterThanOrEqual(60)
      // Playwright's list reporter: "70 passed (9.4s)", and nothing failed or flaky.
      expect(Number(/^\s*(\d+) passed \(\d/m.exec(output)?.[1]), output).toBeGreaterThanOrEqual(70)
      expect(output).not.toMatch(/^\s*\d+ (failed|flaky)$/m)
      // The app really submitted to the emulated Office 365, and the tests read its mailbox.
      const counts = /accepted (\d+) submissions and holds (\d+) messages for qa@contoso\.test/.exec(output)
      expect(Number(counts?.[1])).toBeGreaterThanOrEqual(100)
      expect(Number(counts?.[2])).toBeGreaterThanOrEqual(100)
      expect(output).not.toContain('demo-client-secret')

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

import { relative } from 'node:path'
import {
  buildEmailReport,
  type EmailReport,
  type EmailReportFiles,
  type ReportedTest,
  reportedTest,
  writeEmailReport,
} from '@mailwright/report'
import type { Reporter, TestModule, TestSpecification, Vitest } from 'vitest/node'
import './provided-context.js'

/**
 * Vitest reporter that writes the email evidence report: `mailwright-report.json` (per test: environment,
 * the emails waited for and asserted on, each matcher with its outcome and message, verdicts with their
 * source), `mailwright-report.md` (also appended to `$GITHUB_STEP_SUMMARY`) and `mailwright-report.junit.xml`.
 * Each `--shard` writes its own; `mailwright gate` merges them. Use it beside your other reporters.
 *
 * @example
 * // vitest.config.ts
 * test: { reporters: ['default', ['@mailwright/vitest/reporter', { outputFile: 'test-results/mailwright-report.json' }]] }
 */
export default class MailwrightReporter implements Reporter {
  readonly #files: EmailReportFiles
  #root = process.cwd()
  #started = new Date()
  #shard: EmailReport['shard']

  constructor(options: EmailReportFiles = {}) {
    this.#files = options
  }

  onInit(vitest: Vitest): void {
    this.#root = vitest.config.root
    const shard = vitest.config.shard
    if (shard) this.#shard = { current: shard.index, total: shard.count }
  }

  onTestRunStart(_specifications: ReadonlyArray<TestSpecification>): void {
    this.#started = new Date()
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const tests: ReportedTest[] = []
    for (const module of testModules) {
      const file = relative(this.#root, module.moduleId).split('\\').join('/')
      for (const test of module.children.allTests()) {
        const result = test.result()
        const diagnostic = test.diagnostic()
        const titles: string[] = []
        for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent)
          titles.unshift(parent.name)
        tests.push(
          reportedTest(
            {
              key: [file, ...titles, test.name].join(' > '),
              file,
              title: test.name,
              ...(test.project.name ? { project: test.project.name } : {}),
              status: result.state === 'failed' ? 'failed' : result.state === 'passed' ? 'passed' : 'skipped',
              durationMs: diagnostic?.duration ?? 0,
              retry: diagnostic?.retryCount ?? 0,
            },
            test.meta().mailwright,
            (test.project.config.provide?.mailwrightEnv as string | undefined) ??
              (process.env.MAILWRIGHT_ENV || 'sandbox'),
          ),
        )
      }
    }
    const report = buildEmailReport('vitest', this.#started, tests, this.#shard)
    writeEmailReport(report, this.#files, this.#root)
  }
}

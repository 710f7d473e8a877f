import { dirname, relative } from 'node:path'
import {
  buildEmailReport,
  type EmailReportFiles,
  type ReportedTest,
  reportedTest,
  type TestEmailRecord,
  writeEmailReport,
} from '@mailwright/report'
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter'
import { RECORD_CONTENT_TYPE } from './record-content-type.js'

/**
 * Playwright reporter that writes the email evidence report: `mailwright-report.json` (per test: environment,
 * the emails waited for and asserted on, each matcher with its outcome and message, verdicts with their
 * source), `mailwright-report.md` (also appended to `$GITHUB_STEP_SUMMARY`) and `mailwright-report.junit.xml`.
 * Each `--shard` writes its own; `mailwright gate` merges them. Use it beside your other reporters.
 *
 * @example
 * // playwright.config.ts
 * reporter: [['html'], ['@mailwright/playwright/reporter', { outputFile: 'test-results/mailwright-report.json' }]]
 */
export default class MailwrightReporter implements Reporter {
  readonly #files: EmailReportFiles
  readonly #tests: ReportedTest[] = []
  #config: FullConfig | undefined
  #started = new Date()

  constructor(options: EmailReportFiles = {}) {
    this.#files = options
    // Workers start after reporters are made and inherit this: the fixtures attach their records only then.
    process.env.MAILWRIGHT_RECORD = '1'
  }

  onBegin(config: FullConfig, _suite: Suite): void {
    this.#config = config
    this.#started = new Date()
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const attachment = result.attachments.find((a) => a.contentType === RECORD_CONTENT_TYPE)
    const record = attachment?.body
      ? (JSON.parse(attachment.body.toString('utf8')) as TestEmailRecord)
      : undefined
    const project = test.parent.project()
    const root = this.#config?.rootDir ?? process.cwd()
    const file = relative(root, test.location.file).split('\\').join('/')
    // titlePath: ['', project, file, ...describes, title]
    const titles = test.titlePath().slice(3)
    this.#tests.push(
      reportedTest(
        {
          key: [file, ...titles].join(' > '),
          file,
          title: test.title,
          ...(project?.name ? { project: project.name } : {}),
          status: result.status,
          durationMs: result.duration,
          retry: result.retry,
        },
        record,
        (project?.use as { mailEnv?: string } | undefined)?.mailEnv ??
          (process.env.MAILWRIGHT_ENV || 'sandbox'),
      ),
    )
  }

  onEnd(_result: FullResult): void {
    const shard = this.#config?.shard
    const report = buildEmailReport(
      'playwright',
      this.#started,
      this.#tests,
      shard ? { current: shard.current, total: shard.total } : undefined,
    )
    // Paths are relative to the config file, like Playwright's own reporters' outputFile.
    const configFile = this.#config?.configFile
    writeEmailReport(report, this.#files, configFile ? dirname(configFile) : process.cwd())
  }

  printsToStdio(): boolean {
    return false
  }
}

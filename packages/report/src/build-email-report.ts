import { type EmailReport, REPORT_VERSION, type ReportedTest, type TestEmailRecord } from './email-report.js'

/**
 * One test in the report: the runner's facts about it and the fixtures' record (none when the test used no
 * inbox, in which case `environment` is the one the runner would have chosen).
 *
 * @example
 * reportedTest({ key, file, title, status: 'passed', durationMs: 12, retry: 0 }, record, 'sandbox')
 */
export function reportedTest(
  test: Omit<ReportedTest, keyof TestEmailRecord>,
  record: TestEmailRecord | undefined,
  environment: string,
): ReportedTest {
  return {
    ...test,
    environment: record?.environment ?? environment,
    emails: record?.emails ?? [],
    assertions: record?.assertions ?? [],
    waits: record?.waits ?? [],
  }
}

/**
 * The whole `mailwright-report.json`, as both runners' reporters write it.
 *
 * @example
 * writeEmailReport(buildEmailReport('vitest', started, tests))
 */
export function buildEmailReport(
  runner: EmailReport['runner'],
  started: Date,
  tests: ReportedTest[],
  shard?: EmailReport['shard'],
): EmailReport {
  return {
    version: REPORT_VERSION,
    tool: 'mailwright',
    runner,
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    ...(shard ? { shard } : {}),
    tests,
  }
}

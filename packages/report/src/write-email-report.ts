import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { EmailReport } from './email-report.js'
import { renderJunit } from './render-junit.js'
import { renderMarkdown } from './render-markdown.js'

/** Where a reporter writes; `false` leaves a file out. */
export interface EmailReportFiles {
  /** Default `mailwright-report.json` (or `$MAILWRIGHT_REPORT`). */
  outputFile?: string
  /** Default: `outputFile` with `.md` instead of `.json`. */
  markdownFile?: string | false
  /**
   * Default: `outputFile` with `.junit.xml` instead of `.json` (`mailwright-report.junit.xml`), so the
   * reporters of two runners writing to one folder keep their own files.
   */
  junitFile?: string | false
}

/**
 * Writes the report as JSON, Markdown and JUnit XML, and appends the Markdown to `$GITHUB_STEP_SUMMARY` when
 * it is set. `$MAILWRIGHT_REPORT` overrides where the JSON goes (the others go beside it). Both runners'
 * reporters call this. Returns the paths written.
 *
 * @example
 * writeEmailReport(report, { outputFile: 'test-results/mailwright-report.json' })
 */
export function writeEmailReport(
  report: EmailReport,
  files: EmailReportFiles = {},
  cwd = process.cwd(),
): string[] {
  const written: string[] = []
  const write = (file: string, text: string) => {
    const path = resolve(cwd, file)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
    written.push(path)
  }
  // The environment wins, so one run (a shard, a nested run) can be pointed elsewhere without a config change;
  // the other files then go beside it.
  const fromEnv = process.env.MAILWRIGHT_REPORT || undefined
  const json = fromEnv ?? files.outputFile ?? 'mailwright-report.json'
  const markdownFile = fromEnv ? undefined : files.markdownFile
  const junitFile = fromEnv ? undefined : files.junitFile
  write(json, `${JSON.stringify(report, null, 2)}\n`)
  const markdown = renderMarkdown(report)
  if (markdownFile !== false) write(markdownFile ?? json.replace(/(\.json)?$/, '.md'), markdown)
  if (junitFile !== false) write(junitFile ?? json.replace(/(\.json)?$/, '.junit.xml'), renderJunit(report))
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`)
  return written
}

// The API report of every public entry: API Extractor reads each entry's built .d.ts and writes what it
// exports, declarations included, to packages/<name>/api/<entry>.api.md. The reports are checked in, so a
// change to the public surface shows in review; the lint test fails when a build no longer matches them.
//
//   node scripts/api-report.ts          check (exit 1 and name the entries that changed)
//   node scripts/api-report.ts --update rewrite the reports after an intended change
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor'

const repo = fileURLToPath(new URL('../', import.meta.url))

/**
 * The public entries: what a project may import. `@mailwright/core/internal` is in the exports map for
 * Mailwright's own packages only (its header says so) and has no report: no stability is promised for it.
 */
export const PUBLIC_ENTRIES: ReadonlyArray<{ pkg: string; entry: string; report: string }> = [
  { pkg: 'core', entry: 'index', report: 'core' },
  { pkg: 'core', entry: 'plugin/index', report: 'core-plugin' },
  { pkg: 'core', entry: 'testing/index', report: 'core-testing' },
  { pkg: 'inbox-server', entry: 'index', report: 'inbox-server' },
  { pkg: 'inbox-server', entry: 'plugin', report: 'inbox-server-plugin' },
  { pkg: 'office365', entry: 'index', report: 'office365' },
  { pkg: 'office365', entry: 'plugin', report: 'office365-plugin' },
  { pkg: 'office365-emulator', entry: 'index', report: 'office365-emulator' },
  { pkg: 'testcontainers', entry: 'index', report: 'testcontainers' },
  { pkg: 'testcontainers', entry: 'plugin', report: 'testcontainers-plugin' },
  { pkg: 'report', entry: 'index', report: 'report' },
  { pkg: 'checks', entry: 'index', report: 'checks' },
  { pkg: 'postgres-store', entry: 'index', report: 'postgres-store' },
  { pkg: 'playwright', entry: 'index', report: 'playwright' },
  { pkg: 'playwright', entry: 'config', report: 'playwright-config' },
  { pkg: 'playwright', entry: 'global-setup', report: 'playwright-global-setup' },
  { pkg: 'playwright', entry: 'reporter', report: 'playwright-reporter' },
  { pkg: 'vitest', entry: 'index', report: 'vitest' },
  { pkg: 'vitest', entry: 'config', report: 'vitest-config' },
  { pkg: 'vitest', entry: 'setup', report: 'vitest-setup' },
  { pkg: 'vitest', entry: 'global-setup', report: 'vitest-global-setup' },
  { pkg: 'vitest', entry: 'reporter', report: 'vitest-reporter' },
  { pkg: 'cli', entry: 'index', report: 'mailwright' },
]

export interface ApiReportResult {
  report: string
  file: string
  changed: boolean
  errors: string[]
}

/** Runs API Extractor on each public entry; with `update`, rewrites the checked-in reports. */
export function apiReports(options: { update?: boolean } = {}): ApiReportResult[] {
  return PUBLIC_ENTRIES.map(({ pkg, entry, report }) => {
    const dir = join(repo, 'packages', pkg)
    const folder = join(dir, 'api')
    mkdirSync(folder, { recursive: true })
    const temp = join(repo, 'node_modules/.cache/api-report')
    mkdirSync(temp, { recursive: true })
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: dir,
        mainEntryPointFilePath: join(dir, 'dist', `${entry}.d.ts`),
        bundledPackages: [],
        compiler: {
          overrideTsconfig: { compilerOptions: { lib: ['es2024'], types: ['node'], skipLibCheck: true } },
        },
        apiReport: {
          enabled: true,
          reportFileName: `${report}.api.md`,
          reportFolder: folder,
          reportTempFolder: temp,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          // The report is the point; TSDoc style and release tags are not checked here.
          extractorMessageReporting: {
            default: { logLevel: ExtractorLogLevel.None },
            'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
          },
          tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
        },
      },
      configObjectFullPath: join(dir, 'api-extractor.json'),
      packageJsonFullPath: join(dir, 'package.json'),
    })
    const errors: string[] = []
    const file = join(folder, `${report}.api.md`)
    const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    const result = Extractor.invoke(config, {
      localBuild: options.update === true,
      showVerboseMessages: false,
      messageCallback: (message) => {
        if (message.logLevel === ExtractorLogLevel.Error) errors.push(message.text)
        message.handled = true
      },
    })
    const after = existsSync(file) ? readFileSync(file, 'utf8') : undefined
    return {
      report,
      file,
      changed: options.update ? before !== after : result.apiReportChanged,
      errors: result.succeeded || result.apiReportChanged ? errors : [...errors, 'API Extractor failed'],
    }
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const update = process.argv.includes('--update')
  const results = apiReports({ update })
  for (const r of results) {
    const state = r.errors.length ? `errors: ${r.errors.join('; ')}` : r.changed ? 'changed' : 'unchanged'
    console.log(`${r.report.padEnd(20)} ${state}`)
  }
  const changed = results.filter((r) => r.changed || r.errors.length)
  if (!update && changed.length) {
    console.log(
      `\nThe public API changed (${changed.map((r) => r.report).join(', ')}): review it, then run node scripts/api-report.ts --update and commit packages/*/api/.`,
    )
    process.exit(1)
  }
}

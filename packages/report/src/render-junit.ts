import type { EmailReport, ReportedTest } from './email-report.js'

/**
 * The report as JUnit XML for CI systems that read JUnit: a testcase per test (grouped by file), with the
 * email facts as `<properties>` (`mailwright.environment`, `mailwright.emails`, `mailwright.email.N`, …) and
 * failed email checks as `<failure>`.
 *
 * @example
 * writeFileSync('mailwright-report.junit.xml', renderJunit(report))
 */
export function renderJunit(report: EmailReport): string {
  const byFile = new Map<string, ReportedTest[]>()
  for (const t of report.tests) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t])
  const failedOf = (ts: ReportedTest[]) => ts.filter(isFailed).length
  const skippedOf = (ts: ReportedTest[]) => ts.filter((t) => t.status === 'skipped').length
  const seconds = (ms: number) => (ms / 1000).toFixed(3)
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mailwright" tests="${report.tests.length}" failures="${failedOf(report.tests)}" skipped="${skippedOf(report.tests)}" time="${seconds(report.durationMs)}">`,
  ]
  for (const [file, tests] of byFile) {
    out.push(
      `  <testsuite name="${xml(file)}" tests="${tests.length}" failures="${failedOf(tests)}" skipped="${skippedOf(tests)}" time="${seconds(tests.reduce((n, t) => n + t.durationMs, 0))}">`,
    )
    for (const t of tests) {
      const name = t.key.startsWith(`${file} > `) ? t.key.slice(file.length + 3) : t.title
      out.push(
        `    <testcase classname="${xml(file)}" name="${xml(t.project ? `[${t.project}] ${name}` : name)}" time="${seconds(t.durationMs)}">`,
      )
      const properties: Array<[string, string | number]> = [
        ['mailwright.environment', t.environment],
        ['mailwright.emails', t.emails.length],
        ['mailwright.assertions', t.assertions.length],
        ['mailwright.assertions.failed', t.assertions.filter((a) => !a.passed).length],
      ]
      t.emails.forEach((e, i) => {
        const dmarc = e.auth?.dmarc ? ` | DMARC ${e.auth.dmarc.result}` : ''
        properties.push([
          `mailwright.email.${i + 1}`,
          `${e.subject} | ${e.from ?? '<>'} → ${e.recipients.join(', ')} | ${e.size} B${dmarc}`,
        ])
      })
      out.push('      <properties>')
      for (const [key, value] of properties)
        out.push(`        <property name="${xml(key)}" value="${xml(String(value))}"/>`)
      out.push('      </properties>')
      if (t.status === 'skipped') out.push('      <skipped/>')
      if (isFailed(t)) {
        const failed = t.assertions.filter((a) => !a.passed)
        const waits = t.waits.filter((w) => w.outcome === 'failed')
        const text = [
          ...failed.map((a) => a.message ?? a.matcher),
          ...waits.map((w) => `${w.title}: ${w.error ?? ''}`),
        ].join('\n\n')
        const first = failed[0]?.message?.split('\n')[0] ?? waits[0]?.error ?? `test ${t.status}`
        out.push(`      <failure message="${xml(first)}">${xml(text || `test ${t.status}`)}</failure>`)
      }
      out.push('    </testcase>')
    }
    out.push('  </testsuite>')
  }
  out.push('</testsuites>', '')
  return out.join('\n')
}

function isFailed(t: ReportedTest): boolean {
  return t.status === 'failed' || t.status === 'timedOut' || t.status === 'interrupted'
}

function xml(text: string): string {
  return (
    text
      // XML 1.0 cannot carry control characters other than tab, line feed and carriage return.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  )
}

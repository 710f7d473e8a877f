import type { EmailReport, ReportedTest } from './email-report.js'

/**
 * The report as Markdown for a person (and GitHub's job summary): totals, one row per test that touched
 * email, then every failed email assertion or wait with its first line.
 *
 * @example
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY, renderMarkdown(report))
 */
export function renderMarkdown(report: EmailReport): string {
  const tests = report.tests.filter(touched)
  const emails = tests.reduce((n, t) => n + t.emails.length, 0)
  const assertions = tests.flatMap((t) => t.assertions)
  const failedAssertions = assertions.filter((a) => !a.passed).length
  const failedTests = tests.filter((t) => t.status === 'failed' || t.status === 'timedOut').length
  const shard = report.shard ? ` (shard ${report.shard.current}/${report.shard.total})` : ''
  const lines = [
    `## Mailwright: email checks${shard}`,
    '',
    `${tests.length} tests touched email · ${failedTests} failed · ${emails} emails · ${assertions.length} assertions (${failedAssertions} failed) · ${report.runner}`,
    '',
  ]
  if (tests.length) {
    lines.push('| test | environment | status | emails | assertions | DMARC |', '|---|---|---|---:|---:|---|')
    for (const t of tests) {
      const dmarc = t.emails.map((e) => e.auth?.dmarc?.result ?? '–').join(', ')
      const failed = t.assertions.filter((a) => !a.passed).length
      lines.push(
        `| ${cell(testName(t))} | ${cell(t.environment)} | ${t.status === 'passed' ? 'passed' : `**${t.status}**`} | ${t.emails.length} | ${t.assertions.length}${failed ? ` (${failed} failed)` : ''} | ${dmarc || '–'} |`,
      )
    }
    lines.push('')
  }
  const checked = tests.flatMap((t) => t.emails.filter((e) => e.checks).map((e) => ({ t, e })))
  if (checked.length) {
    lines.push(
      '### Content checks',
      '',
      '| test | email | spam score | client compatibility | links | accessibility |',
      '|---|---|---|---|---|---|',
    )
    for (const { t, e } of checked) {
      const c = e.checks ?? {}
      const spam = c.spam
        ? `${c.spam.score} / ${c.spam.threshold} (${c.spam.checker}${c.spam.symbols[0] ? `; ${c.spam.symbols[0].name} ${c.spam.symbols[0].score}` : ''})`
        : '–'
      const compatibility = c.compatibility
        ? c.compatibility.unsupported.length
          ? `${c.compatibility.unsupported.length} unsupported: ${c.compatibility.unsupported
              .slice(0, 3)
              .map((f) => f.feature)
              .join(', ')}`
          : `ok (${c.compatibility.partial.length} partial)`
        : '–'
      const links = c.links
        ? c.links.failing.length
          ? `${c.links.failing.length} failing: ${c.links.failing
              .slice(0, 2)
              .map((l) => `${l.url}${l.status ? ` ${l.status}` : ''}`)
              .join(', ')}`
          : `${c.links.ok} ok${c.links.notChecked.length ? `, ${c.links.notChecked.length} not checked` : ''}`
        : '–'
      const accessibility = c.accessibility
        ? c.accessibility.violations.length
          ? c.accessibility.violations
              .slice(0, 3)
              .map((v) => `${v.id} (${v.impact})`)
              .join(', ')
          : 'no violations'
        : '–'
      lines.push(
        `| ${cell(testName(t))} | ${cell(e.subject)} | ${cell(spam)} | ${cell(compatibility)} | ${cell(links)} | ${cell(accessibility)} |`,
      )
    }
    lines.push('')
  }
  // Failing matchers inside passing tests were expected by them (tests of failure messages, say).
  const failures = tests
    .filter((t) => t.status !== 'passed' && t.status !== 'skipped')
    .flatMap((t) => [
      ...t.assertions
        .filter((a) => !a.passed)
        .map((a) => {
          const email = t.emails.find((e) => e.id === a.email)
          return `- ${cell(testName(t))}: \`${a.not ? '.not.' : ''}${a.matcher}\`${email ? ` on "${cell(email.subject)}"` : ''}: ${cell(firstLine(a.message ?? ''))}`
        }),
      ...t.waits
        .filter((w) => w.outcome === 'failed')
        .map((w) => `- ${cell(testName(t))}: ${cell(w.title)}: ${cell(w.error ?? 'failed')}`),
    ])
  if (failures.length) lines.push('### Failed email checks', '', ...failures, '')
  return `${lines.join('\n')}\n`
}

export function testName(t: ReportedTest): string {
  return `${t.project ? `[${t.project}] ` : ''}${t.key}`
}

function touched(t: ReportedTest): boolean {
  return t.emails.length > 0 || t.assertions.length > 0 || t.waits.length > 0
}

/** The first non-blank line of a message, trimmed (for a table cell or a violation's detail). */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? ''
  )
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim()
}

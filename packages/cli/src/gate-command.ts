import { parseArgs } from 'node:util'
import {
  DEFAULT_GATE_POLICY,
  evaluateGate,
  formatViolations,
  GateInputError,
  loadEmailReport,
  loadGatePolicy,
  mergeEmailReports,
  renderJunit,
  renderMarkdown,
} from '@mailwright/report'
import { UsageError } from './usage-error.js'

export const GATE_HELP = `Usage: mailwright gate <mailwright-report.json …> [options]

Merges the reports the Mailwright reporters wrote (several shards, or runs per environment) and checks them
against a policy. Exit 0 when every rule holds, 1 with a table of violations (test, email, rule, detail) when
one does not, 2 when a report or the policy cannot be used.

On GitHub Actions (GITHUB_ACTIONS=true) each violation is also printed as an ::error annotation.

Options:
  --policy <file>   the policy (default: mailwright.gate.json if it exists, else "no failed email assertion")
  --json            print the violations as JSON
  --merged <file>   also write the merged report there
  --markdown <file> also write the merged report's Markdown summary there (one summary for all shards)
  --junit <file>    also write the merged report as JUnit XML there
  -h, --help        show this help

Policy (mailwright.gate.json):
  { "rules": [
      { "rule": "no-failed-email-assertions" },
      { "rule": "dmarc-pass", "where": { "environment": "staging" } },
      { "rule": "max-size", "kb": 100 },
      { "rule": "bulk-sender", "where": { "from": "^news@" } },
      { "rule": "same-across-environments", "environments": ["sandbox", "staging"], "compare": ["subject", "links"] }
  ] }
  "where" picks emails by regular expressions on subject, from, to or environment.
`

/**
 * \`mailwright gate\`: the release gate over one or more email reports.
 *
 * @example
 * process.exitCode = await gateCommand(['shard-1.json', 'shard-2.json', '--policy', 'mailwright.gate.json'], { out: console.log })
 */
export async function gateCommand(
  argv: string[],
  io: {
    out: (line: string) => void
    exists: (file: string) => boolean
    writeFile: (file: string, text: string) => void
    env?: NodeJS.ProcessEnv
  },
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    throw new UsageError(`mailwright gate: ${(error as Error).message}. Run \`mailwright gate --help\`.`)
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(GATE_HELP)
    return 0
  }
  if (positionals.length === 0)
    throw new UsageError(
      'mailwright gate: give one or more mailwright-report.json files (the reporters write them). Run `mailwright gate --help`.',
    )
  try {
    const policyFile =
      values.policy ?? (io.exists('mailwright.gate.json') ? 'mailwright.gate.json' : undefined)
    const policy = policyFile ? loadGatePolicy(policyFile) : DEFAULT_GATE_POLICY
    const report = mergeEmailReports(positionals.map(loadEmailReport))
    if (values.merged) io.writeFile(values.merged, `${JSON.stringify(report, null, 2)}\n`)
    if (values.markdown) io.writeFile(values.markdown, renderMarkdown(report))
    if (values.junit) io.writeFile(values.junit, renderJunit(report))
    const violations = evaluateGate(report, policy)
    if (values.json) io.out(JSON.stringify({ tests: report.tests.length, violations }, null, 2))
    else {
      // On GitHub Actions each violation also becomes an error annotation on the run.
      if (io.env?.GITHUB_ACTIONS === 'true') {
        for (const v of violations)
          io.out(
            `::error title=${escapeProperty(`mailwright gate: ${v.rule}`)}::${escapeData(`${v.test}${v.email ? ` | ${v.email}` : ''} | ${v.detail}`)}`,
          )
      }
      const rules = policy.rules.map((r) => r.rule).join(', ')
      io.out(
        `${report.tests.length} tests from ${positionals.length} report${positionals.length === 1 ? '' : 's'}; rules: ${rules}`,
      )
      io.out(formatViolations(violations))
    }
    return violations.length ? 1 : 0
  } catch (error) {
    if (error instanceof GateInputError) throw new UsageError(`mailwright gate: ${error.detail}`)
    throw error
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      policy: { type: 'string' },
      json: { type: 'boolean' },
      merged: { type: 'string' },
      markdown: { type: 'string' },
      junit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

// GitHub's workflow-command escaping: data escapes %, CR and LF; properties also : and ,.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

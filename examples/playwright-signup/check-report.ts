// Run after `playwright test` (pnpm test does): the JSON report of the example run must carry each sign-up
// test's emails as .eml, HTML and a rendered PNG, and the content checks' results with the five renderings.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

interface Result {
  status: string
  attachments: Array<{ name: string; contentType: string; body?: string }>
}
interface Suite {
  specs?: Array<{ title: string; tests: Array<{ results: Result[] }> }>
  suites?: Suite[]
}

// Where playwright.config.ts put this run's results (EXAMPLE_RESULTS_DIR, relative to this folder).
const results = resolve(import.meta.dirname, process.env.EXAMPLE_RESULTS_DIR || 'test-results')
const report = JSON.parse(readFileSync(join(results, 'report.json'), 'utf8')) as Suite
const specs = (suite: Suite): NonNullable<Suite['specs']> => [
  ...(suite.specs ?? []),
  ...(suite.suites ?? []).flatMap(specs),
]
const signup = specs(report).find(
  (s) => s.title === 'sign-up sends a verification email whose link verifies the account',
)
const attachments = signup?.tests[0]?.results[0]?.attachments ?? []
const problems: string[] = []
for (const [ext, type] of [
  ['.eml', 'message/rfc822'],
  ['.html', 'text/html'],
  ['.png', 'image/png'],
]) {
  const file = attachments.find((a) => a.name === `email-1-verify-your-email-address${ext}`)
  if (!file) problems.push(`no email-1-verify-your-email-address${ext} attachment`)
  else if (file.contentType !== type) problems.push(`${file.name} is ${file.contentType}, not ${type}`)
}
const png = attachments.find((a) => a.name.endsWith('.png'))
if (
  png &&
  Buffer.from(png.body ?? '', 'base64')
    .subarray(1, 4)
    .toString() !== 'PNG'
)
  problems.push(`${png.name} is not a PNG image`)
// The content-checks test keeps its checks' results and the five renderings of the email.
const checked =
  specs(report)
    .find(
      (s) =>
        s.title === 'the verification email would reach the inbox, render in the big clients, and read well',
    )
    ?.tests[0]?.results[0]?.attachments.map((a) => a.name) ?? []
for (const name of ['checks.txt', 'png', 'mobile.png', 'dark.png', 'dark-inverted.png', 'images-off.png'].map(
  (ext) => `email-1-verify-your-email-address.${ext}`,
)) {
  if (!checked.includes(name)) problems.push(`the content-checks test has no ${name} attachment`)
}
if (problems.length > 0) {
  console.error(`Report check failed (${join(results, 'report.json')}):\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
console.log(
  `Report check: the sign-up test carries ${attachments.filter((a) => a.name.startsWith('email-')).length} email attachments (.eml, HTML, PNG).`,
)

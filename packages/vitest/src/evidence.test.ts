import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { budget } from '../../core/src/time-budget.test-util.js'

const project = fileURLToPath(new URL('../test/evidence-project/', import.meta.url))
// The CLI file is not in vitest's exports; it sits beside its package.json.
const vitest = fileURLToPath(new URL('vitest.mjs', import.meta.resolve('vitest/package.json')))

interface Reported {
  name: string
  state: string
  annotations: Array<{ type: string; message: string; contentType?: string; body?: string; path?: string }>
  artifacts: Array<{ type: string; attachments: Array<{ name?: string; contentType?: string }> }>
}

describe('evidence as Vitest annotations', () => {
  it(
    'annotates a failing test with the .eml and HTML of the emails it touched, and a passing one with nothing',
    async () => {
      const report = join(mkdtempSync(join(tmpdir(), 'mailwright-vitest-evidence-')), 'report.json')
      const exitCode = await new Promise<number | null>((resolve) => {
        const child = execFile(
          process.execPath,
          [vitest, 'run', '--config', join(project, 'vitest.config.ts')],
          {
            cwd: project,
            env: { ...process.env, REPORT_FILE: report, CI: '', MAILWRIGHT_EVIDENCE: '' },
          },
        )
        child.on('exit', resolve)
      })
      expect(exitCode).toBe(1)
      const tests = new Map((JSON.parse(readFileSync(report, 'utf8')) as Reported[]).map((t) => [t.name, t]))
      const failed = tests.get('fails on purpose after an email arrived') as Reported
      expect(failed.state).toBe('failed')
      expect(
        failed.annotations.map((a) => [a.type, a.message.replace(/\+\w{6}@/, '+<id>@'), a.contentType]),
      ).toEqual([
        [
          'mailwright',
          'email-1-evidence-please.eml: "Evidence please" from app@example.com to fails-on-purpose-after-a+<id>@inbox.test',
          'message/rfc822',
        ],
        [
          'mailwright',
          'email-1-evidence-please.html: "Evidence please" from app@example.com to fails-on-purpose-after-a+<id>@inbox.test',
          'text/html',
        ],
      ])
      const [eml, html] = failed.annotations.map((a) =>
        (a.path ? readFileSync(a.path) : Buffer.from(a.body ?? '', 'base64')).toString(),
      )
      expect(eml).toMatch(/\r\nSubject: Evidence please\r\n/)
      expect(html).toBe('<h1>Hello evidence</h1>')
      const passed = tests.get('passes without annotations') as Reported
      expect([passed.state, passed.annotations, passed.artifacts]).toEqual(['passed', [], []])

      // The emails a failure names by id are evidence too: a timeout's near miss, a failed .not's email.
      const names = (name: string) =>
        (tests.get(name) as Reported).annotations
          .map((a) => a.message.split(':')[0] ?? '')
          .filter((m) => m.endsWith('.eml'))
      expect(names('a timed-out wait carries the email that arrived instead')).toEqual([
        'email-1-your-receipt.eml',
      ])
      expect(names('a failed .not carries the unexpected email')).toEqual(['email-1-password-reset.eml'])

      // Annotations close when a test fails; a failure Mailwright did not see gets the files as an artifact.
      const other = tests.get('fails for a reason Mailwright does not see') as Reported
      expect([other.state, other.annotations]).toEqual(['failed', []])
      expect(other.artifacts).toEqual([
        {
          type: 'mailwright:emails',
          attachments: [
            { name: 'email-1-other-failure.eml', contentType: 'message/rfc822' },
            { name: 'email-1-other-failure.html', contentType: 'text/html' },
          ],
        },
      ])
    },
    budget(60_000),
  )
})

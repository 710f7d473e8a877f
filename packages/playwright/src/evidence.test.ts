import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startInboxServer } from '@mailwright/inbox-server'
import { describe, expect, it } from 'vitest'
import { budget } from '../../core/src/time-budget.test-util.js'

const project = fileURLToPath(new URL('../test/evidence-project/', import.meta.url))
const cli = fileURLToPath(import.meta.resolve('@playwright/test/cli'))

interface JsonResult {
  status: string
  attachments: Array<{ name: string; contentType: string; body?: string }>
  errors: Array<{ message?: string; location?: { file: string; line: number } }>
  steps: Array<{ title: string }>
}

describe('evidence in the Playwright report', () => {
  it.each([
    ['the run-wide inbox server', true],
    ['an inbox server per worker', false],
  ])(
    'attaches .eml, HTML and a rendered PNG to a failing test, nothing to a passing one, and shows waits as steps (%s)',
    async (_what, runWide) => {
      await using server = await startInboxServer()
      const inboxUrl = runWide ? (server.url as string) : ''
      const report = join(mkdtempSync(join(tmpdir(), 'mailwright-evidence-')), 'report.json')
      const exitCode = await new Promise<number | null>((resolve) => {
        const child = execFile(
          process.execPath,
          [cli, 'test', '-c', join(project, 'playwright.config.ts')],
          {
            cwd: project,
            env: {
              ...process.env,
              MAILWRIGHT_INBOX_URL: inboxUrl,
              EXPECT_INBOX_URL: inboxUrl,
              REPORT_FILE: report,
              CI: '',
            },
          },
          () => {},
        )
        child.on('exit', resolve)
      })
      expect(exitCode).toBe(1)
      const json = JSON.parse(readFileSync(report, 'utf8')) as {
        suites: Array<{ specs: Array<{ title: string; tests: Array<{ results: JsonResult[] }> }> }>
      }
      const results = new Map(
        json.suites
          .flatMap((s) => s.specs)
          .map((spec) => [spec.title, spec.tests[0]?.results[0] as JsonResult]),
      )
      const failed = results.get('fails on purpose after an email arrived') as JsonResult
      expect(failed.status).toBe('failed')
      const files = failed.attachments.filter((a) => a.name.startsWith('email-'))
      expect(files.map((a) => [a.name, a.contentType])).toEqual([
        ['email-1-evidence-please.eml', 'message/rfc822'],
        ['email-1-evidence-please.html', 'text/html'],
        ['email-1-evidence-please.png', 'image/png'],
        ['email-1-evidence-please.mobile.png', 'image/png'],
        ['email-1-evidence-please.dark.png', 'image/png'],
        ['email-1-evidence-please.dark-inverted.png', 'image/png'],
        ['email-1-evidence-please.images-off.png', 'image/png'],
      ])
      const [eml, html, png, mobile, dark, inverted] = files.map((a) => Buffer.from(a.body ?? '', 'base64'))
      expect(eml?.toString()).toMatch(/^(?:[\s\S]*\r\n)?Subject: Evidence please\r\n/)
      expect(html?.toString()).toBe('<h1 style="color:#c00">Hello evidence</h1>')
      expect(png?.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
        true,
      )
      expect(failed.errors[0]?.message).toContain('expect(email).toHaveSubject("Something else") failed')
      expect(failed.errors[0]?.message).toContain('Received: subject "Evidence please"')
      expect(failed.steps.map((s) => s.title)).toEqual([
        expect.stringMatching(
          /^wait for email to fails-on-purpose-after-a\+\w{6,8}@inbox\.test matching \{ subject: "Evidence" \}$/,
        ),
      ])

      // The PNG is cropped to what the email draws (a short heading, not an 800 px page) under a header strip.
      const size = (p: Buffer) => ({ width: p.readUInt32BE(16), height: p.readUInt32BE(20) })
      expect(size(png as Buffer).height).toBeLessThan(300)
      expect(size(png as Buffer).width).toBeLessThan(800)
      // Mobile is at least a phone's width; the dark renderings are pictures of their own.
      expect(size(mobile as Buffer).width).toBeGreaterThanOrEqual(375)
      expect(new Set([png, dark, inverted].map((p) => p?.toString('base64'))).size).toBe(3)

      // A timed-out wait: the email that arrived instead is attached, the one it returned before too, and the
      // failure points at the test's own line.
      const timedOut = results.get('a timed-out wait carries the email that did arrive') as JsonResult
      expect(timedOut.status).toBe('failed')
      expect(timedOut.attachments.map((a) => a.name).filter((n) => n.endsWith('.eml'))).toEqual([
        'email-1-welcome-aboard.eml',
        'email-2-your-receipt.eml',
      ])
      const spec = readFileSync(join(project, 'evidence.spec.ts'), 'utf8').split('\n')
      const waitLine = spec.findIndex((l) => l.includes('EXPECTED-LOCATION')) + 2
      expect(timedOut.errors[0]?.location).toMatchObject({
        file: join(project, 'evidence.spec.ts'),
        line: waitLine,
      })

      const notFailed = results.get('a failed .not carries the unexpected email') as JsonResult
      expect(notFailed.status).toBe('failed')
      expect(notFailed.attachments.map((a) => a.name).filter((n) => n.endsWith('.eml'))).toEqual([
        'email-1-password-reset.eml',
      ])

      const passed = results.get('passes without attachments') as JsonResult
      expect(passed.status).toBe('passed')
      expect(passed.attachments).toEqual([])
      expect(
        results.get('uses the run-wide inbox server when there is one, else one of its own')?.status,
      ).toBe('passed')
    },
    budget(60_000),
  )
})

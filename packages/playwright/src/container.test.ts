import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@mailwright/core'
import { describe, expect, it } from 'vitest'
import { describeWith, dockerImage } from '../../core/src/requirement.test-util.js'
import { runNode } from '../../core/src/run-node.test-util.js'
import { budget } from '../../core/src/time-budget.test-util.js'

// A user's Playwright project whose environment is `inbox: { type: 'container', server: 'maildev' }`, run
// for real with '@mailwright/playwright/global-setup'. Needs Docker and the image scripts/build-images.sh
// builds; a laptop without them skips, CI never does.
const project = fileURLToPath(new URL('../test/container-project/', import.meta.url))
const cli = fileURLToPath(import.meta.resolve('@playwright/test/cli'))
const IMAGE = process.env.MAILWRIGHT_MAILDEV_IMAGE ?? 'mailwright/maildev:3.0.0'
const docker = dockerImage(IMAGE)

interface JsonResult {
  status: string
  attachments: Array<{ name: string; contentType: string; body?: string }>
}

async function runProject(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'mailwright-pw-container-'))
  const report = join(dir, 'report.json')
  const seen = join(dir, 'containers.txt')
  const ports = { CONTAINER_SMTP_PORT: String(await freePort()), APP_PORT: String(await freePort()) }
  const { code, output } = await runNode(
    cli,
    ['test', '-c', join(project, 'playwright.config.ts'), ...args],
    project,
    {
      ...ports,
      REPORT_FILE: report,
      CONTAINERS_SEEN: seen,
    },
  )
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    stats: { expected: number; unexpected: number }
    suites: Array<{ specs: Array<{ title: string; tests: Array<{ results: JsonResult[] }> }> }>
  }
  return { code, output, json, seen }
}

const exists = (id: string) => spawnSync('docker', ['inspect', id], { stdio: 'ignore' }).status === 0

describeWith(docker)('Playwright with a MailDev container environment', () => {
  it(
    'the global setup starts one container for both projects, tests share it in isolation, it is gone after',
    async () => {
      const run = await runProject(['--grep-invert', 'fails on purpose'])
      expect(run.code, run.output).toBe(0)
      expect(run.json.stats).toMatchObject({ expected: 12, unexpected: 0 })
      // Both projects, on two workers, used one container, and the teardown removed it.
      const ids = readFileSync(run.seen, 'utf8').trim().split('\n')
      expect(ids).toHaveLength(12)
      expect(new Set(ids).size).toBe(1)
      expect(exists(ids[0] as string)).toBe(false)
    },
    budget(120_000),
  )

  it(
    'a failing test carries the container log',
    async () => {
      const run = await runProject(['--grep', 'fails on purpose', '--project', 'one'])
      expect(run.code).toBe(1)
      const result = run.json.suites.flatMap((s) => s.specs)[0]?.tests[0]?.results[0] as JsonResult
      expect(result.status).toBe('failed')
      const log = result.attachments.find((a) => a.name === 'capture-server.log')
      const text = Buffer.from(log?.body ?? '', 'base64').toString('utf8')
      expect(text).toContain('MailDev')
      expect(text).toMatch(/SMTP Server\s+Address: 127\.0\.0\.1/)
    },
    budget(120_000),
  )
})

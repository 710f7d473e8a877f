import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@mailwright/core'
import { generateDkimKey } from '@mailwright/core/testing'
import { describe, expect, it } from 'vitest'
import { describeWith, dockerImage } from '../../core/src/requirement.test-util.js'
import { runNode, VITEST_CLI } from '../../core/src/run-node.test-util.js'
import { budget } from '../../core/src/time-budget.test-util.js'

// A user's Vitest project whose environment is `inbox: { type: 'container', server: 'maildev' }`, run for
// real: the global setup starts MailDev once, the fixtures use it, and a failing test carries its log.
// Needs Docker and the image scripts/build-images.sh builds; a laptop without them skips, CI never does.
const project = fileURLToPath(new URL('../test/container-project/', import.meta.url))
const IMAGE = process.env.MAILWRIGHT_MAILDEV_IMAGE ?? 'mailwright/maildev:3.0.0'
const docker = dockerImage(IMAGE)

const runProject = (env: NodeJS.ProcessEnv) =>
  runNode(VITEST_CLI, ['run', '--config', join(project, 'vitest.config.ts')], project, env)

const exists = (id: string) => spawnSync('docker', ['inspect', id], { stdio: 'ignore' }).status === 0

describeWith(docker)('an environment whose inbox is a MailDev container', () => {
  it(
    'the global setup starts one container for the run, the tests share it in isolation, and it is gone after',
    async () => {
      const key = generateDkimKey()
      const dir = mkdtempSync(join(tmpdir(), 'mailwright-container-'))
      const seen = join(dir, 'containers.txt')
      const run = await runProject({
        DKIM_KEY: key.privateKey,
        DKIM_RECORD: key.record,
        REPORT_FILE: join(dir, 'report.json'),
        CONTAINERS_SEEN: seen,
        CONTAINER_SMTP_PORT: String(await freePort()),
        CONTAINER_API_PORT: String(await freePort()),
      })
      expect(run.code, run.output).toBe(0)
      expect(run.output).toMatch(/Tests {2}12 passed \(12\)/)
      // Both files, on two workers, used one container, and the teardown removed it.
      const ids = readFileSync(seen, 'utf8').trim().split('\n')
      expect(ids).toHaveLength(11)
      expect(new Set(ids).size).toBe(1)
      expect(exists(ids[0] as string)).toBe(false)
    },
    budget(120_000),
  )

  it(
    "a failing test carries the container's log",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mailwright-container-'))
      const run = await runProject({
        CHECKS: '*.check-fail.ts',
        REPORT_FILE: join(dir, 'report.json'),
        CONTAINER_SMTP_PORT: String(await freePort()),
        CONTAINER_API_PORT: String(await freePort()),
      })
      expect(run.code, run.output).toBe(1)
      const [test] = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))
      expect(test.state).toBe('failed')
      const log = test.artifacts
        .flatMap((a: { attachments: { name: string; text?: string }[] }) => a.attachments)
        .find((f: { name: string }) => f.name === 'capture-server.log')
      expect(log?.text).toContain('MailDev')
      expect(log?.text).toMatch(/SMTP Server\s+Address: 127\.0\.0\.1/)
    },
    budget(120_000),
  )
})

import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, resolveEnvironment } from '@mailwright/core'
import { startRunChecks, startRunInbox, webUiNotice } from '@mailwright/core/internal'
import { registerPlugin } from '@mailwright/core/plugin'
import { writeCaFile } from '@mailwright/inbox-server'
import inboxServerPlugin from '@mailwright/inbox-server/plugin'
import type { TestProject } from 'vitest/node'
import './provided-context.js'

registerPlugin(inboxServerPlugin)

/**
 * Vitest `globalSetup`: starts the run's inbox once, for the active environment (`provide: { mailwrightEnv }`,
 * else MAILWRIGHT_ENV; mailwright.config.ts), and stops it after the run. For the `local` inbox that is one
 * inbox server, with the environment's sending profile (`profile: { senderIp, dns }` turns verdicts on): its
 * URL goes to every test file (`inject('mailwrightInboxUrl')`, used by the `inbox` fixture) and its SMTP
 * settings to `process.env` (`SMTP_HOST`, `SMTP_PORT`, `MAILWRIGHT_INBOX_URL`) for code under test started
 * from here; ports come from `MAILWRIGHT_SMTP_PORT` / `MAILWRIGHT_HTTP_PORT` (default: any free port). A
 * capture container (`inbox: { type: 'container', server: 'mailpit' | 'maildev' }`) is started instead, once.
 * When the environment reads mail from elsewhere (Graph, IMAP, an inbox server), nothing is started and the
 * application's own SMTP settings are left alone. An environment whose `checks.spam` names a filter gets it
 * started here, once (needs `@mailwright/checks`).
 *
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['@mailwright/vitest/global-setup'], setupFiles: ['@mailwright/vitest/setup'] } })
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A project's mailwright.config.ts sits at its root (in a workspace of projects, not the working directory).
  const directory = project.config.root
  project.provide('mailwrightConfigDir', directory)
  const environment = await resolveEnvironment(await loadConfig(directory), {
    name: project.getProvidedContext().mailwrightEnv || undefined,
    directory,
  })
  // The environment's spam filter (checks.spam), once for the run rather than once per worker.
  const checks = await startRunChecks(environment)
  const run = await startRunInbox(environment, {
    ports: { smtp: port('MAILWRIGHT_SMTP_PORT'), http: port('MAILWRIGHT_HTTP_PORT') },
  }).catch(async (error: unknown) => {
    await checks?.stop()
    throw error
  })
  if (!run) return async () => checks?.stop()
  project.provide('mailwrightRun', { environment: environment.name, description: run.description })
  if (environment.inbox.type === 'local' && run.url) {
    project.provide('mailwrightInboxUrl', run.url)
    process.env.MAILWRIGHT_INBOX_URL = run.url
    console.log(webUiNotice(run.url))
  }
  // The app under test started from here sends to the run's inbox.
  process.env.SMTP_HOST = run.smtp.host
  process.env.SMTP_PORT = String(run.smtp.port)
  // Test workers are processes started after this: with the certificate in NODE_EXTRA_CA_CERTS, the code
  // under test upgrades to STARTTLS with its certificate checks on, as against a real server.
  const previousCa = process.env.NODE_EXTRA_CA_CERTS
  const caFile = run.ca
    ? writeCaFile(run.ca, join(tmpdir(), `mailwright-inbox-${process.pid}-${run.smtp.port}-ca.pem`))
    : undefined
  if (caFile) process.env.NODE_EXTRA_CA_CERTS = caFile
  return async () => {
    await Promise.all([run.stop(), checks?.stop()])
    if (caFile) {
      rmSync(caFile, { force: true })
      if (previousCa === undefined) delete process.env.NODE_EXTRA_CA_CERTS
      else process.env.NODE_EXTRA_CA_CERTS = previousCa
    }
  }
}

function port(name: string): number {
  const value = process.env[name]
  if (value === undefined || value === '') return 0
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    throw new Error(
      `${name}=${JSON.stringify(value)} is not a port; set it to 0-65535 or unset it (any free port).`,
    )
  }
  return number
}

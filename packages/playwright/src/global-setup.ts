import { loadConfig, resolveEnvironment } from '@mailwright/core'
import { startRunChecks, startRunInbox } from '@mailwright/core/internal'
import { type RunInbox, registerPlugin } from '@mailwright/core/plugin'
import inboxServerPlugin from '@mailwright/inbox-server/plugin'
import type { FullConfig } from '@playwright/test'

registerPlugin(inboxServerPlugin)

/**
 * Playwright `globalSetup`: for each environment the run's projects use (`use: { mailEnv }`, else
 * `MAILWRIGHT_ENV`, else the config's default) whose inbox type can be shared by a run (a capture
 * container: `inbox: { type: 'container', server: 'mailpit' | 'maildev' }`), starts it once, tells the
 * workers where it is (`MAILWRIGHT_RUN_INBOXES`, by environment name) and stops it after the run. The
 * `local` inbox is `inboxServer()`'s (a `webServer`), and real mailboxes start nothing. When exactly one
 * runs, `SMTP_HOST`/`SMTP_PORT` point at it for code started after the setup. An environment whose
 * `checks.spam` names a filter gets it started here, once (needs `@mailwright/checks`).
 *
 * @example
 * // playwright.config.ts
 * export default defineConfig({ globalSetup: '@mailwright/playwright/global-setup' })
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const mailwrightConfig = await loadConfig()
  const names = new Set(
    config.projects.map(
      (p) => (p.use as { mailEnv?: string }).mailEnv ?? (process.env.MAILWRIGHT_ENV || undefined),
    ),
  )
  const started: Record<string, RunInbox> = {}
  const checks: Array<{ stop(): Promise<void> }> = []
  try {
    for (const name of names) {
      const environment = await resolveEnvironment(mailwrightConfig, { name })
      // The environment's spam filter (checks.spam), once for the run rather than once per worker.
      const filter = await startRunChecks(environment)
      if (filter) checks.push(filter)
      if (environment.inbox.type === 'local') continue
      const run = await startRunInbox(environment)
      if (run) started[environment.name] = run
    }
  } catch (error) {
    await Promise.all([...Object.values(started), ...checks].map((c) => c.stop()))
    throw error
  }
  const containers = Object.values(started)
  if (containers.length) {
    process.env.MAILWRIGHT_RUN_INBOXES = JSON.stringify(
      Object.fromEntries(Object.entries(started).map(([name, c]) => [name, c.description])),
    )
  }
  if (containers.length === 1 && containers[0]) {
    process.env.SMTP_HOST = containers[0].smtp.host
    process.env.SMTP_PORT = String(containers[0].smtp.port)
  }
  return async () => {
    await Promise.all([...containers, ...checks].map((c) => c.stop()))
  }
}

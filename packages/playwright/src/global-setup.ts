import { loadConfig, type RunContainer, resolveEnvironment, startRunContainer } from '@mailwright/core'
import type { FullConfig } from '@playwright/test'

/**
 * Playwright `globalSetup`: for each environment the run's projects use (`use: { mailEnv }`, else
 * `MAILWRIGHT_ENV`, else the config's default) whose inbox is a capture container
 * (`inbox: { type: 'container', server: 'mailpit' | 'maildev' }`), starts that container once, tells the
 * workers where it is (`MAILWRIGHT_CONTAINERS`, by environment name) and stops it after the run. Other
 * environments start nothing here. When exactly one container runs, `SMTP_HOST`/`SMTP_PORT` point at it for
 * code started after the setup.
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
  const started: Record<string, RunContainer> = {}
  try {
    for (const name of names) {
      const environment = resolveEnvironment(mailwrightConfig, { name })
      const container = await startRunContainer(environment)
      if (container) started[environment.name] = container
    }
  } catch (error) {
    await Promise.all(Object.values(started).map((c) => c.stop()))
    throw error
  }
  const containers = Object.values(started)
  if (containers.length) {
    process.env.MAILWRIGHT_CONTAINERS = JSON.stringify(
      Object.fromEntries(Object.entries(started).map(([name, c]) => [name, c.description])),
    )
  }
  if (containers.length === 1 && containers[0]) {
    process.env.SMTP_HOST = containers[0].smtp.host
    process.env.SMTP_PORT = String(containers[0].smtp.port)
  }
  return async () => {
    await Promise.all(containers.map((c) => c.stop()))
  }
}

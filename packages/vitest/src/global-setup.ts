import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  loadConfig,
  loadDnsZone,
  resolveEnvironment,
  startRunContainer,
  zoneResolver,
} from '@mailwright/core'
import { type InboxServerOptions, startInboxServer, writeCaFile } from '@mailwright/inbox-server'
import type { TestProject } from 'vitest/node'
import './provided-context.js'

/**
 * Vitest `globalSetup`: starts one inbox server for the whole run, gives its URL to every test file
 * (`inject('mailwrightInboxUrl')`, used by the `inbox` fixture), and puts its SMTP settings in
 * `process.env` (`SMTP_HOST`, `SMTP_PORT`, `MAILWRIGHT_INBOX_URL`) for code under test started from here.
 * Ports come from `MAILWRIGHT_SMTP_PORT` / `MAILWRIGHT_HTTP_PORT` (default: any free port).
 * `MAILWRIGHT_SENDER_IP` (and `MAILWRIGHT_DNS`: `system` or a zone file) turn authentication verdicts on.
 * When the active environment (`provide: { mailwrightEnv }`, else MAILWRIGHT_ENV; mailwright.config.ts) names a
 * capture container (`inbox: { type: 'container', server: 'mailpit' | 'maildev' }`), that container is
 * started instead, once, and stopped after the run. When it reads mail from elsewhere (Graph, IMAP, an inbox
 * server), nothing is started and the application's own SMTP settings are left alone.
 *
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['@mailwright/vitest/global-setup'], setupFiles: ['@mailwright/vitest/setup'] } })
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const environment = resolveEnvironment(await loadConfig(), {
    name: project.getProvidedContext().mailwrightEnv || undefined,
  })
  const container = await startRunContainer(environment)
  if (container) {
    // One Mailpit/MailDev container for the whole run; the app under test started from here sends to it.
    project.provide('mailwrightContainer', container.description)
    process.env.SMTP_HOST = container.smtp.host
    process.env.SMTP_PORT = String(container.smtp.port)
    process.env.MAILWRIGHT_CONTAINER = container.description
    return () => container.stop()
  }
  if (environment.inbox.type !== 'local') return async () => {}
  const options: InboxServerOptions = {
    smtpPort: port('MAILWRIGHT_SMTP_PORT'),
    httpPort: port('MAILWRIGHT_HTTP_PORT'),
  }
  // Verdicts on: the production IP for SPF, and DNS (`system`, or a zone/.json file for offline runs).
  const senderIp = process.env.MAILWRIGHT_SENDER_IP
  if (senderIp) {
    const dns = process.env.MAILWRIGHT_DNS ?? 'system'
    options.sendingProfile = {
      ip: senderIp,
      dns: dns === 'system' ? 'system' : zoneResolver(loadDnsZone(dns)),
    }
  }
  const server = await startInboxServer(options)
  project.provide('mailwrightInboxUrl', server.url as string)
  process.env.SMTP_HOST = server.smtp.host
  process.env.SMTP_PORT = String(server.smtp.port)
  process.env.MAILWRIGHT_INBOX_URL = server.url
  // Test workers are processes started after this: with the certificate in NODE_EXTRA_CA_CERTS, the code
  // under test upgrades to STARTTLS with its certificate checks on, as against a real server.
  const previousCa = process.env.NODE_EXTRA_CA_CERTS
  const caFile = server.smtp.ca
    ? writeCaFile(
        server.smtp.ca,
        join(tmpdir(), `mailwright-inbox-${process.pid}-${server.smtp.port}-ca.pem`),
      )
    : undefined
  if (caFile) process.env.NODE_EXTRA_CA_CERTS = caFile
  return async () => {
    await server.stop()
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

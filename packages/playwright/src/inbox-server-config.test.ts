import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inboxServer, smtpEnv } from './inbox-server-config.js'

const saved = { ...process.env }
afterEach(() => {
  for (const key of ['MAILWRIGHT_RUN_PORTS', 'MAILWRIGHT_INBOX_URL']) {
    if (saved[key] === undefined) delete process.env[key]
    else process.env[key] = saved[key]
  }
})

describe('inboxServer() and smtpEnv()', () => {
  it('pick free ports once per run, agree on them, and hand them to the workers through the environment', () => {
    delete process.env.MAILWRIGHT_RUN_PORTS
    const server = inboxServer()
    const env = smtpEnv()
    const [smtp, http] = (process.env.MAILWRIGHT_RUN_PORTS ?? '').split(',').map(Number)
    expect(smtp).toBeGreaterThan(0)
    expect(http).toBeGreaterThan(0)
    expect(server.command).toContain(`--smtp-port ${smtp} --http-port ${http}`)
    expect(env).toMatchObject({ SMTP_PORT: String(smtp), MAILWRIGHT_INBOX_URL: `http://127.0.0.1:${http}` })
    expect(env.NODE_EXTRA_CA_CERTS).toMatch(new RegExp(`/mailwright-\\w+/inbox-${smtp}-ca\\.pem$`))
    expect(statSync(dirname(env.NODE_EXTRA_CA_CERTS as string)).mode & 0o777).toBe(0o700)
    expect(server.gracefulShutdown).toEqual({ signal: 'SIGTERM', timeout: 5000 })
    // A worker evaluates the config again, with the environment it inherited: the same ports.
    expect(inboxServer().command).toBe(server.command)
  })

  it('asks a running server whether it was started with this exact configuration before reusing it', () => {
    const a = inboxServer({ smtpPort: 2525, httpPort: 8125 })
    const b = inboxServer({ smtpPort: 2525, httpPort: 8125, domain: 'qa.test' })
    const fingerprint = /\/readyz\/([0-9a-f]{16})$/.exec(a.url)?.[1]
    expect(fingerprint).toBeDefined()
    expect(a.command).toContain(`--fingerprint ${fingerprint}`)
    expect(b.url).not.toBe(a.url)
    expect(inboxServer({ smtpPort: 2525, httpPort: 8125 }).url).toBe(a.url)
  })
})

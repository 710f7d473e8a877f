import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError } from './config-error.js'
import { defineConfig } from './define-config.js'
import { env } from './env.js'
import { DEFAULT_CONFIG, loadConfig } from './load-config.js'
import { resolveEnvironment } from './resolve-environment.js'
import { redact, Secret } from './secret.js'

const config = defineConfig({
  environments: {
    sandbox: { inbox: { type: 'local' }, profile: { senderIp: '203.0.113.10', dns: { zone: './dns.zone' } } },
    staging: {
      inbox: {
        type: 'graph',
        mailbox: 'qa@contoso.com',
        tenantId: env('O365_TENANT_ID'),
        clientId: env('O365_CLIENT_ID'),
        clientSecret: env('O365_CLIENT_SECRET'),
      },
      transport: {
        type: 'office365-smtp',
        user: 'qa@contoso.com',
        auth: 'oauth2',
        tenantId: env('O365_TENANT_ID'),
        clientId: env('O365_CLIENT_ID'),
        clientSecret: env('O365_CLIENT_SECRET'),
      },
      allowRecipients: ['*@contoso.com'],
      timeouts: { email: 120_000 },
    },
  },
})
const vars = {
  O365_TENANT_ID: 'tenant-1',
  O365_CLIENT_ID: 'client-1',
  O365_CLIENT_SECRET: 'very-secret-value',
}

describe('resolveEnvironment', () => {
  it('picks sandbox by default and staging by MAILWRIGHT_ENV, reading env() values', () => {
    const sandbox = resolveEnvironment(config, { env: {} })
    expect(sandbox).toMatchObject({
      name: 'sandbox',
      sandbox: true,
      transport: { type: 'inbox' },
      timeouts: { email: 10_000 },
    })
    const staging = resolveEnvironment(config, { env: { ...vars, MAILWRIGHT_ENV: 'staging' } })
    expect(staging).toMatchObject({
      name: 'staging',
      sandbox: false,
      inbox: { type: 'graph', tenantId: 'tenant-1' },
      timeouts: { email: 120_000, noEmail: 30_000 },
    })
    expect(staging.secrets.map((s) => s.name)).toEqual(['O365_CLIENT_SECRET', 'O365_CLIENT_SECRET'])
    expect((staging.transport as { clientSecret: Secret }).clientSecret.reveal()).toBe('very-secret-value')
  })

  it('never prints a secret', () => {
    const staging = resolveEnvironment(config, { name: 'staging', env: vars })
    for (const shown of [
      JSON.stringify(staging),
      inspect(staging, { depth: 10 }),
      String(staging.secrets[0]),
      `${staging.secrets[0]}`,
    ]) {
      expect(shown).not.toContain('very-secret-value')
    }
    expect(inspect(staging.secrets[0])).toBe('Secret(O365_CLIENT_SECRET: [redacted])')
  })

  it.each([
    [
      { env: { MAILWRIGHT_ENV: 'staginx' } },
      'mailwright.config: environments.staginx does not exist (chosen by MAILWRIGHT_ENV=staginx). Defined environments: sandbox, staging.',
    ],
    [
      { name: 'staging', env: { O365_TENANT_ID: 't', O365_CLIENT_ID: 'c' } },
      'mailwright.config: environments.staging.inbox.clientSecret reads the environment variable O365_CLIENT_SECRET, which is not set. Set O365_CLIENT_SECRET (a CI secret, or your shell), never in the file.',
    ],
  ])('explains a bad choice or a missing variable (%j)', (options, message) => {
    expect(() => resolveEnvironment(config, options)).toThrow(ConfigError)
    expect(() => resolveEnvironment(config, options)).toThrow(message)
  })

  it('refuses a real transport without an allowlist, a secret written in the file, an unknown type, a bad profile', () => {
    const bad = (environment: object) => () =>
      resolveEnvironment({ environments: { x: environment } } as never, { name: 'x', env: vars })
    expect(
      bad({ transport: { type: 'office365-relay', host: 'contoso-com.mail.protection.outlook.com' } }),
    ).toThrow(
      /environments\.x\.allowRecipients is empty, but this environment sends real mail \(transport office365-relay\)/,
    )
    expect(bad({ inbox: { type: 'imap', host: 'h', user: 'u', password: 'hunter22' } })).toThrow(
      "environments.x.inbox.password is written in the file. Secrets come only from the environment: write password: env('PASSWORD').",
    )
    expect(bad({ inbox: { type: 'pop3' } })).toThrow(
      'environments.x.inbox.type is "pop3". Use one of: local, server, graph, imap, container.',
    )
    expect(bad({ inbox: { type: 'graph', mailbox: 'qa@contoso.com' } })).toThrow(
      'environments.x.inbox.tenantId is required for inbox type "graph"',
    )
    expect(bad({ profile: { senderIp: 'prod' } })).toThrow('environments.x.profile.senderIp is "prod"')
    expect(bad({ inbox: { type: 'container' } })).toThrow(
      'environments.x.inbox.server is required for inbox type "container"',
    )
    expect(bad({ inbox: { type: 'container', server: 'maildev', ports: { smtp: 70000 } } })).toThrow(
      'environments.x.inbox.ports.smtp is 70000. Give { smtp, api } as port numbers from 1 to 65535, or leave ports out for free ones.',
    )
    expect(bad({ inbox: { type: 'container', server: 'mailhog' } })).toThrow(
      'environments.x.inbox.server is "mailhog", which is not a capture server Mailwright can run. Use "mailpit" or "maildev".',
    )
  })

  it('takes an empty MAILWRIGHT_ENV or name as unset', () => {
    const config = { environments: { sandbox: { inbox: { type: 'local' as const } } } }
    expect(resolveEnvironment(config, { env: { MAILWRIGHT_ENV: '' } }).name).toBe('sandbox')
    expect(resolveEnvironment(config, { name: '', env: {} }).name).toBe('sandbox')
  })

  it('takes a container inbox naming Mailpit or MailDev, with an image or without', () => {
    const resolved = resolveEnvironment(
      {
        environments: {
          c: { inbox: { type: 'container', server: 'mailpit', image: 'axllent/mailpit:v1.30.5' } },
        },
      },
      { name: 'c', env: vars },
    )
    expect(resolved.inbox).toEqual({ type: 'container', server: 'mailpit', image: 'axllent/mailpit:v1.30.5' })
    expect(resolved.sandbox).toBe(true)
  })
})

describe('loadConfig', () => {
  it('loads mailwright.config.ts from a directory, and defaults to a sandbox without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-config-'))
    expect(await loadConfig(dir)).toBe(DEFAULT_CONFIG)
    writeFileSync(
      join(dir, 'mailwright.config.ts'),
      "export default { environments: { sandbox: { inbox: { type: 'local' as const } }, ci: { inbox: { type: 'local' as const } } } }\n",
    )
    const loaded = await loadConfig(dir)
    expect(Object.keys(loaded.environments)).toEqual(['sandbox', 'ci'])
    expect(loaded.file).toBe(join(dir, 'mailwright.config.ts'))
  })
})

describe('redact', () => {
  it('removes secrets, their base64 forms, AUTH payloads and bearer tokens from transcripts', () => {
    const secret = new Secret('PW', 's3cret-pass')
    const transcript = [
      `C: AUTH LOGIN`,
      `C: ${Buffer.from('s3cret-pass').toString('base64')}`,
      `C: AUTH PLAIN ${Buffer.from('\u0000qa@contoso.com\u0000other').toString('base64')}`,
      'C: AUTH XOAUTH2 dXNlcj1xYUBjb250b3NvLmNvbQFhdXRoPUJlYXJlciBleUox',
      'Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi.payload.sig',
      'password was s3cret-pass',
    ].join('\n')
    const out = redact(transcript, [secret])
    expect(out).not.toContain('s3cret-pass')
    expect(out).not.toContain(Buffer.from('s3cret-pass').toString('base64').replace(/=+$/, ''))
    expect(out).not.toContain('eyJ0eXAi')
    expect(out).toContain('AUTH PLAIN [redacted]')
    expect(out).toContain('AUTH XOAUTH2 [redacted]')
  })
})

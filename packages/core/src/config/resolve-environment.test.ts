import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError } from './config-error.js'
import { defineConfig } from './define-config.js'
import { env } from './env.js'
import { DEFAULT_CONFIG, loadConfig } from './load-config.js'
import { registerPlugin } from './register-plugin.js'
import { resolveEnvironment } from './resolve-environment.js'
import { redact, Secret } from './secret.js'
import { testPlugin } from './test-plugin.test-util.js'

registerPlugin(testPlugin)

const config = defineConfig({
  environments: {
    sandbox: { inbox: { type: 'local' }, profile: { senderIp: '203.0.113.10', dns: { zone: './dns.zone' } } },
    staging: {
      inbox: {
        type: 'test-mailbox',
        mailbox: 'qa@contoso.com',
        user: env('O365_TENANT_ID'),
        clientSecret: env('O365_CLIENT_SECRET'),
      },
      transport: { type: 'test-relay', host: 'relay.contoso.com', clientSecret: env('O365_CLIENT_SECRET') },
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
  it('picks sandbox by default and staging by MAILWRIGHT_ENV, reading env() values', async () => {
    const sandbox = await resolveEnvironment(config, { env: {} })
    expect(sandbox).toMatchObject({
      name: 'sandbox',
      sandbox: true,
      transport: { type: 'inbox' },
      timeouts: { email: 10_000 },
    })
    const staging = await resolveEnvironment(config, { env: { ...vars, MAILWRIGHT_ENV: 'staging' } })
    expect(staging).toMatchObject({
      name: 'staging',
      sandbox: false,
      inbox: { type: 'test-mailbox', user: 'tenant-1' },
      timeouts: { email: 120_000, noEmail: 30_000 },
    })
    expect(staging.secrets.map((s) => s.name)).toEqual(['O365_CLIENT_SECRET', 'O365_CLIENT_SECRET'])
    expect((staging.transport as { clientSecret: Secret }).clientSecret.reveal()).toBe('very-secret-value')
  })

  it('never prints a secret', async () => {
    const staging = await resolveEnvironment(config, { name: 'staging', env: vars })
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
  ])('explains a bad choice or a missing variable (%j)', async (options, message) => {
    await expect(resolveEnvironment(config, options)).rejects.toThrow(ConfigError)
    await expect(resolveEnvironment(config, options)).rejects.toThrow(message)
  })

  it('refuses a real transport without an allowlist, a secret written in the file, an unknown type, a bad profile', async () => {
    const bad = (environment: object) =>
      expect(resolveEnvironment({ environments: { x: environment } } as never, { name: 'x', env: vars }))
        .rejects
    await bad({ transport: { type: 'test-relay', host: 'relay.contoso.com' } }).toThrow(
      /environments\.x\.allowRecipients is empty, but this environment sends real mail \(transport test-relay\)/,
    )
    await bad({
      inbox: {
        type: 'test-mailbox',
        mailbox: 'qa@contoso.com',
        user: 'u',
        clientSecret: env('O365_CLIENT_SECRET'),
        password: 'hunter22',
      },
    }).toThrow(
      "environments.x.inbox.password is written in the file. Secrets come only from the environment: write password: env('PASSWORD').",
    )
    // Unknown after looking through the installed packages too: the message lists what is registered.
    await bad({ inbox: { type: 'pop3' } }).toThrow(
      /^\[Mailwright\] mailwright\.config: environments\.x\.inbox\.type is "pop3"\. Use one of: local, server, test-mailbox(, [a-z0-9-]+)*\. /,
    )
    await bad({ inbox: { type: 'test-mailbox', mailbox: 'qa@contoso.com' } }).toThrow(
      'environments.x.inbox.user is required for inbox type "test-mailbox"',
    )
    // The type's own check runs on the resolved values.
    await bad({
      inbox: { type: 'test-mailbox', mailbox: 'qa', user: 'u', clientSecret: env('O365_CLIENT_SECRET') },
    }).toThrow('environments.x.inbox.mailbox is "qa". Give an address.')
    await bad({ profile: { senderIp: 'prod' } }).toThrow('environments.x.profile.senderIp is "prod"')
  })

  it("keeps an environment's content-check settings, and names a wrong one with its fix", async () => {
    const withChecks = (checks: unknown) =>
      resolveEnvironment(defineConfig({ environments: { sandbox: { checks: checks as never } } }), {
        env: {},
      })
    const checks = {
      spam: { checker: 'spamassassin' as const, timeout: 20_000 },
      compatibility: { clients: ['gmail', 'outlook-windows'] },
      links: { allowHosts: ['staging.example.com'], skip: [/\/verify/, 'unsubscribe'] },
      accessibility: { impact: 'serious' as const, rules: { 'color-contrast': false } },
    }
    expect((await withChecks(checks)).checks).toEqual(checks)
    expect((await withChecks(undefined)).checks).toEqual({})
    for (const [value, message] of [
      [
        { spam: { checker: 'spamd' } },
        'environments.sandbox.checks.spam.checker is "spamd". Use one of rspamd, spamassassin.',
      ],
      [
        { spam: { below: 5 } },
        'environments.sandbox.checks.spam.below is not a setting of this check. Use one of checker, url, timeout.',
      ],
      [
        { links: { allowHosts: 'x' } },
        'environments.sandbox.checks.links.allowHosts is "x". Give a list of strings.',
      ],
      [
        { links: { timeout: 0 } },
        'environments.sandbox.checks.links.timeout is 0. Give milliseconds above 0.',
      ],
      [
        { links: { maxRedirects: -1 } },
        'environments.sandbox.checks.links.maxRedirects is -1. Give a number of 0 or more.',
      ],
      [
        { accessibility: { impact: 'severe' } },
        'environments.sandbox.checks.accessibility.impact is "severe". Use one of minor, moderate, serious, critical.',
      ],
      [
        { rendering: {} },
        'environments.sandbox.checks.rendering is not a check. Use one of spam, compatibility, links, accessibility.',
      ],
    ] as const) {
      await expect(withChecks(value)).rejects.toThrowError(`mailwright.config: ${message}`)
    }
  })

  it("keeps an environment's faults, and names a wrong one with what would do", async () => {
    const faults = [{ preset: 'office365-throttling' as const, times: 1 }]
    const resolved = await resolveEnvironment(
      defineConfig({ environments: { sandbox: { inbox: { type: 'local' }, faults } } }),
      { env: {} },
    )
    expect(resolved.faults).toEqual(faults)
    const error = await resolveEnvironment(
      defineConfig({
        environments: {
          sandbox: { inbox: { type: 'local' }, faults: [{ stage: 'ehlo' as never, reply: '421 4.7.0 No' }] },
        },
      }),
      { env: {} },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).detail).toMatch(
      /^mailwright\.config: environments\.sandbox\.faults\[0\]\.stage is "ehlo"\. Expected one of rcpt, data, message for an inbox's fault: before RCPT TO/,
    )
  })

  it('takes an empty MAILWRIGHT_ENV or name as unset', async () => {
    const config = { environments: { sandbox: { inbox: { type: 'local' as const } } } }
    expect((await resolveEnvironment(config, { env: { MAILWRIGHT_ENV: '' } })).name).toBe('sandbox')
    expect((await resolveEnvironment(config, { name: '', env: {} })).name).toBe('sandbox')
  })

  it('refuses a plugin that claims a type another plugin provides', () => {
    expect(() =>
      registerPlugin({
        name: 'another',
        inboxTypes: [{ type: 'test-mailbox', connect: () => Promise.reject() }],
      }),
    ).toThrow(
      'mailwright.config: plugins.another provides the inbox type "test-mailbox", which core-tests already provides. Install or list only one package for each type.',
    )
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

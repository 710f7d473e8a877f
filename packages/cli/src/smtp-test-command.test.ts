import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type StartedOffice365Emulator,
  startOffice365Emulator,
  type TenantModel,
  tenantModel,
} from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { startCli, untilOutput } from './cli-process.test-util.js'

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const SECRET = 'cli-secret-5a6b7c'

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'smtp-test', ...args], { env: { ...process.env, ...env } })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      out += d
    })
    child.on('exit', (code) => resolve({ code, out }))
  })
}

async function emulator(
  overrides: Partial<TenantModel> = {},
): Promise<{ exo: StartedOffice365Emulator; args: string[] }> {
  const exo = await startOffice365Emulator({
    tenant: tenantModel({
      domain: 'contoso.test',
      smtpAuthDisabled: false,
      mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
      apps: { app1: { clientSecret: SECRET, roles: ['SMTP.SendAsApp'], servicePrincipal: true } },
      ...overrides,
    }),
  })
  const ca = join(mkdtempSync(join(tmpdir(), 'mailwright-smtp-test-')), 'ca.pem')
  writeFileSync(ca, exo.smtp.ca)
  const args = [
    '--host',
    exo.smtp.host,
    '--port',
    String(exo.smtp.port),
    '--ca',
    ca,
    '--servername',
    'smtp.office365.com',
    '--user',
    'qa@contoso.test',
    '--oauth2',
    '--tenant-id',
    exo.tenant.tenantId,
    '--client-id',
    'app1',
    '--login-url',
    exo.loginUrl,
  ]
  return { exo, args }
}

describe('mailwright smtp-test', () => {
  it('passes every step and sends a test message to an allowed address', async () => {
    const { exo, args } = await emulator()
    try {
      const { code, out } = await run(
        [...args, '--send-to', 'qa+smoke@contoso.test', '--allow', '*@contoso.test'],
        { O365_CLIENT_SECRET: SECRET },
      )
      expect(code).toBe(0)
      expect(out).toMatch(/✓ starttls {2}TLSv1\.[23] \S+; certificate valid \(smtp\.office365\.com\)/)
      expect(out).toContain('✓ auth      XOAUTH2 as qa@contoso.test: 235 2.7.0 Authentication successful')
      expect(out).toContain('All steps passed.')
      expect(out).not.toContain(SECRET)
    } finally {
      await exo.stop()
    }
  })

  it('exits 5 on an authentication failure, explains it, and prints no secret', async () => {
    const { exo, args } = await emulator({
      mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'], smtpAuthDisabled: true } },
    })
    try {
      const { code, out } = await run([...args, '--json'], { O365_CLIENT_SECRET: SECRET })
      expect(code).toBe(5)
      const json = JSON.parse(out)
      expect(json.failedStage).toBe('auth')
      expect(json.steps.at(-1).explanation.title).toBe('SMTP AUTH disabled for the mailbox')
      expect(out).not.toContain(SECRET)
      expect(out).not.toMatch(/eyJ[\w-]+\.[\w-]+\./)
      // In text, each source the explanation cites comes with its public address.
      const text = await run(args, { O365_CLIENT_SECRET: SECRET })
      expect(text.out).toContain(
        '(Source: MS-SMTPAUTH https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission [V]; transcripts [O])',
      )
    } finally {
      await exo.stop()
    }
  })

  it('exits 2 when a secret would have to come from a flag or is missing from the environment', async () => {
    expect(await run(['--user', 'qa@contoso.test', '--password', 'hunter2'])).toMatchObject({
      code: 2,
      out: expect.stringContaining("Unknown option '--password'"),
    })
    expect(await run(['--user', 'qa@contoso.test', '--password-env', 'NOT_SET_ANYWHERE'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('--password-env reads $NOT_SET_ANYWHERE, which is not set'),
    })
  })

  it("checks mailwright serve's own STARTTLS with the certificate serve --ca-file wrote", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-smtp-test-serve-'))
    const caFile = join(dir, 'inbox-ca.pem')
    const serve = startCli(['serve', '--smtp-port', '0', '--http-port', '0', '--ca-file', caFile])
    try {
      const smtp = await untilOutput(() => serve.output().match(/SMTP {2}127\.0\.0\.1:(\d+)/))
      await untilOutput(() => serve.output().match(/Certificate {2}/))
      const result = await run(['--host', '127.0.0.1', '--port', smtp[1] as string, '--ca', caFile])
      expect(result.code, result.out).toBe(0)
      expect(result.out).toMatch(/✓ starttls {2}TLSv1\.3 \S+; certificate valid/)
      // No SNI for an IP address, so no Node deprecation warning in the output.
      expect(result.out).not.toContain('DEP0123')
      const untrusted = await run(['--host', '127.0.0.1', '--port', smtp[1] as string])
      expect(untrusted.code).toBe(4)
    } finally {
      serve.child.kill('SIGTERM')
      await serve.exited
    }
  })

  it('exits 7 when Entra refuses the token, explaining the code, before any SMTP connection', async () => {
    const { exo, args } = await emulator()
    try {
      const { code, out } = await run(args, { O365_CLIENT_SECRET: 'not-the-secret' })
      expect(code, out).toBe(7)
      expect(out).toContain('✗ token     Wrong client secret for app app1')
      expect(out).toMatch(/Entra answered AADSTS7000215/)
      expect(out).toMatch(/What to do: Use the secret's Value/)
      expect(out).toContain('Failed at token.')
      expect(out).not.toContain('not-the-secret')
      expect(exo.smtpConnections).toBe(0)
    } finally {
      await exo.stop()
    }
  })

  it('--preflight names the missing role and the DNS gaps, exits 8 and sends no test message', async () => {
    const { exo, args } = await emulator({
      apps: { app1: { clientSecret: SECRET, roles: ['Mail.Read'], servicePrincipal: true } },
    })
    try {
      const zone = join(mkdtempSync(join(tmpdir(), 'mailwright-preflight-')), 'contoso.json')
      writeFileSync(
        zone,
        JSON.stringify({
          'contoso.test': { MX: ['0 contoso-test.mail.protection.outlook.com'], TXT: ['v=spf1 -all'] },
          '_dmarc.contoso.test': { TXT: ['v=DMARC1; p=reject'] },
        }),
      )
      const { code, out } = await run(
        [
          ...args,
          '--preflight',
          '--read-back',
          'graph',
          '--dns',
          zone,
          '--send-to',
          'qa+smoke@contoso.test',
          '--allow',
          '*@contoso.test',
        ],
        { O365_CLIENT_SECRET: SECRET },
      )
      expect(code, out).toBe(8)
      expect(out).toMatch(
        /✗ SMTP\.SendAsApp for SMTP AUTH \(XOAUTH2\): token for https:\/\/outlook\.office365\.com .*no SMTP\.SendAsApp role/,
      )
      expect(out).toMatch(/✓ Mail\.Read for reading mail back through Graph/)
      expect(out).toMatch(/✗ SPF: contoso\.test "v=spf1 -all" does not include spf\.protection\.outlook\.com/)
      expect(out).toContain('✗ DKIM selector1: selector1._domainkey.contoso.test: no CNAME')
      expect(out).toContain('The test message was not sent: the preflight failed.')
      // The session's own steps may pass; the last line still says the preflight did not.
      expect(out).not.toContain('\nAll steps passed.\n')
      expect(exo.submitted).toHaveLength(0)
      expect(out).not.toContain(SECRET)
      expect(out).not.toMatch(/eyJ[\w-]+\.[\w-]+\./)
    } finally {
      await exo.stop()
    }
  })

  it('--preflight: a session whose steps pass still ends saying the preflight did not', async () => {
    const { exo, args } = await emulator()
    try {
      const zone = join(mkdtempSync(join(tmpdir(), 'mailwright-preflight-')), 'contoso.zone')
      writeFileSync(
        zone,
        '$ORIGIN contoso.test.\n@ IN SOA ns1 admin 1 7200 3600 1209600 3600\n@ IN NS ns1\n@ IN TXT "v=spf1 -all"\n',
      )
      const { code, out } = await run([...args, '--preflight', '--dns', zone], { O365_CLIENT_SECRET: SECRET })
      expect(code, out).toBe(8)
      expect(out).toContain('✓ auth      XOAUTH2 as qa@contoso.test: 235 2.7.0 Authentication successful')
      expect(out).toContain('All steps passed, but the preflight did not (see above).')
    } finally {
      await exo.stop()
    }
  })

  it('refuses flags it cannot use as usage errors naming the flag and the value', async () => {
    expect(await run(['--timeout', 'soon'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('--timeout "soon" is not a duration'),
    })
    expect(await run(['--timeout', '0'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('--timeout "0" gives no time for a step'),
    })
    expect(await run(['--from', 'a@b.test>'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('--from "a@b.test>" is not one email address'),
    })
    expect(await run(['--client-cert', 'c.pem'])).toMatchObject({
      code: 2,
      out: expect.stringContaining('--client-cert c.pem needs --client-key <file>'),
    })
  })

  it('exits 3 when nothing listens', async () => {
    const { code, out } = await run(['--host', '127.0.0.1', '--port', '1'])
    expect(code).toBe(3)
    expect(out).toMatch(/✗ connect {3}cannot connect to 127\.0\.0\.1:1/)
  })
})

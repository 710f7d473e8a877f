import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { guardedTransport } from '@mailwright/core/internal'
import { office365RelayTransport, smtpTest } from '@mailwright/office365'
import { describe, expect, it } from 'vitest'
import { startCli, untilOutput } from './cli-process.test-util.js'

function tenantFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mw-exo-')), 'tenant.json')
  writeFileSync(file, content)
  return file
}

const TENANT = JSON.stringify({
  domain: 'contoso.test',
  smtpAuthDisabled: false,
  mailboxes: { 'qa@contoso.test': {} },
  connectors: [{ name: 'Loopback', senderIps: ['127.0.0.1'] }],
})

describe('mailwright office365-emulator', () => {
  it('serves the tenant from a JSON file, writes its certificates, relays, and stops on SIGTERM', async () => {
    const certs = mkdtempSync(join(tmpdir(), 'mw-exo-certs-'))
    const cli = startCli(['office365-emulator', '--tenant', tenantFile(TENANT), '--certs', certs])
    try {
      await untilOutput(() => cli.output().match(/Stop with Ctrl\+C\./))
      const out = cli.output()
      const submission = out.match(/Submission {2}127\.0\.0\.1:(\d+) \(stands for smtp\.office365\.com:587\)/)
      const mx = out.match(
        /MX {10}127\.0\.0\.1:(\d+) \(stands for (contoso-test\.mail\.protection\.outlook\.com):25\)/,
      )
      expect(submission, out).not.toBeNull()
      expect(mx, out).not.toBeNull()
      expect(out).toMatch(/Login {7}http:\/\/127\.0\.0\.1:\d+ /)
      expect(out).toMatch(/Graph {7}http:\/\/127\.0\.0\.1:\d+ /)

      const check = await smtpTest({
        host: '127.0.0.1',
        port: Number(submission?.[1]),
        starttls: true,
        ca: readFileSync(join(certs, 'smtp.pem'), 'utf8'),
        servername: 'smtp.office365.com',
      })
      expect(check.tls?.authorized).toBe(true)
      expect(check.authMechanisms).toEqual(['LOGIN', 'XOAUTH2'])

      const relay = guardedTransport(
        office365RelayTransport({
          host: '127.0.0.1',
          port: Number(mx?.[1]),
          ca: readFileSync(join(certs, 'mx.pem'), 'utf8'),
          servername: mx?.[2],
        }),
        { environment: 'staging', allowRecipients: ['*@partner.test'] },
      )
      const result = await relay.send({
        from: 'app@contoso.test',
        to: 'a@partner.test',
        subject: 'x',
        text: 'y',
      })
      expect(result.response).toMatch(/^250 2\.0\.0 OK </)
    } finally {
      cli.child.kill('SIGTERM')
    }
    expect(await cli.exited).toBe(0)
    expect(cli.output()).toContain('Office 365 emulator stopped.')
  })

  it.each([
    [[], /--tenant is required; give a JSON file/],
    [['--tenant', '/nonexistent/tenant.json'], /--tenant: cannot read \/nonexistent\/tenant\.json/],
    [['--tenant', 'BAD_JSON'], /is not JSON \(.*\); fix the file/],
    [['--tenant', 'NO_DOMAIN'], /has no "domain"; add the accepted domain/],
    [['--tenant', 'OK', '--mx-port', '99999'], /--mx-port "99999" is not a port; use 0 to 65535/],
    [['--tenant', 'OK', '--dns', 'x.zone'], /--dns and --sender-helo need --sender-ip/],
  ])('refuses %j with exit code 2 and what to do', async (args, message) => {
    const files: Record<string, string> = {
      BAD_JSON: tenantFile('{ "domain": '),
      NO_DOMAIN: tenantFile('{ "mailboxes": {} }'),
      OK: tenantFile(TENANT),
    }
    const cli = startCli(['office365-emulator', ...args.map((a) => files[a] ?? a)])
    expect(await cli.exited).toBe(2)
    expect(cli.output()).toMatch(message)
  })
})

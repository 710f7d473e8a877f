import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadDnsZone, zoneResolver } from '@mailwright/core'
import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { budget } from '../../core/src/time-budget.test-util.js'

const project = fileURLToPath(new URL('../test/staging-project/', import.meta.url))
const vitest = fileURLToPath(new URL('vitest.mjs', import.meta.resolve('vitest/package.json')))

function runProject(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = ''
    const child = execFile(process.execPath, [vitest, 'run', '--config', join(project, 'vitest.config.ts')], {
      cwd: project,
      env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    })
    child.stdout?.on('data', (d) => {
      output += d
    })
    child.stderr?.on('data', (d) => {
      output += d
    })
    child.on('exit', (code) => resolve({ code, output }))
  })
}

describe('a Vitest project that provides mailwrightEnv: staging (Office 365 emulated)', () => {
  it(
    'reads back through Graph, submits with OAuth2, judges DMARC from the stamp, and never touches the app settings',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mailwright-vitest-staging-'))
      writeFileSync(
        join(dir, 'dns.zone'),
        [
          '$ORIGIN contoso.test.',
          '@ TXT "v=spf1 ip4:203.0.113.10 -all"',
          '_dmarc TXT "v=DMARC1; p=reject"',
          '',
        ].join('\n'),
      )
      await using exo = await startOffice365Emulator({
        tenant: tenantModel({
          domain: 'contoso.test',
          smtpAuthDisabled: false,
          mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
          apps: {
            app1: {
              clientSecret: 'staging-secret',
              roles: ['SMTP.SendAsApp', 'Mail.Read'],
              servicePrincipal: true,
            },
          },
        }),
        stamp: { ip: '203.0.113.10', dns: zoneResolver(loadDnsZone(join(dir, 'dns.zone'))) },
      })
      writeFileSync(join(dir, 'smtp.pem'), exo.smtp.ca)
      const env = {
        MAILWRIGHT_ENV: '',
        EXO_LOGIN_URL: exo.loginUrl,
        EXO_GRAPH_URL: exo.graphUrl,
        EXO_SMTP_PORT: String(exo.smtp.port),
        EXO_CA_FILE: join(dir, 'smtp.pem'),
        O365_TENANT_ID: exo.tenant.tenantId,
        O365_CLIENT_ID: 'app1',
        O365_CLIENT_SECRET: 'staging-secret',
        SMTP_HOST: 'smtp.app-under-test.example',
      }
      const run = await runProject(env)
      expect(run.output).toMatch(/Tests {2}1 passed \(1\)/)
      expect(run.code, run.output).toBe(0)
      expect(run.output).not.toContain('staging-secret')
      expect(exo.submitted).toHaveLength(1)
      expect(exo.mailboxes.list('qa@contoso.test')).toHaveLength(1)

      // The same project with a wrong secret fails, and says why without printing the secret.
      const wrong = await runProject({ ...env, O365_CLIENT_SECRET: 'wrong-secret-value' })
      expect(wrong.code).toBe(1)
      expect(wrong.output).not.toContain('wrong-secret-value')
    },
    budget(120_000),
  )
})

// `pnpm demo:staging`: the Vitest and Playwright examples with MAILWRIGHT_ENV=staging against the
// Office 365 emulator: the app submits to "smtp.office365.com" with OAuth2 (a client-credentials token from
// the emulated Entra), tests read back from qa@contoso.test through "Graph". Same tests as `pnpm demo`.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadDnsZone, zoneResolver } from '@mailwright/core'
import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { sendingKeys } from '../examples/playwright-signup/sending-keys.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const secret = 'demo-client-secret'
const tenant = tenantModel({
  domain: 'contoso.test',
  smtpAuthDisabled: false,
  // The example sends dozens of messages at once; the real 30/minute would only slow the demo down.
  ratePerMinute: 1_000,
  mailboxes: {
    'qa@contoso.test': {
      fullAccessApps: ['demo-app'],
      sendAs: ['no-reply@acme.test', 'billing@acme.test', 'qa@acme.test', 'no-reply@signup-app.test'],
    },
  },
  apps: {
    'demo-app': { clientSecret: secret, roles: ['SMTP.SendAsApp', 'Mail.Read'], servicePrincipal: true },
  },
  // The tenant's anti-spam policy: mail about a prize goes to Junk Email (after-delivery.spec.ts).
  junkRules: [{ subjectContains: 'prize' }],
})
// Exchange stamps inbound verdicts; the sign-up app's DKIM key, SPF and DMARC are in the example's zone.
const keys = sendingKeys()
const exo = await startOffice365Emulator({
  tenant,
  stamp: { ip: '203.0.113.10', dns: zoneResolver(loadDnsZone(keys.zone)) },
})
const dir = mkdtempSync(join(tmpdir(), 'mailwright-demo-staging-'))
writeFileSync(join(dir, 'smtp.pem'), exo.smtp.ca)
console.log('━━ Office 365 emulator')
console.log(`  Submission ${exo.smtp.host}:${exo.smtp.port}, login ${exo.loginUrl}, Graph ${exo.graphUrl}`)
console.log('\n━━ Vitest example (examples/vitest-mailer) with MAILWRIGHT_ENV=staging\n')
// Settings inherited from an outer run (a capture inbox's SMTP_*/MAILWRIGHT_*, a parent Vitest's own
// variables) must not leak into the examples: staging is described completely here.
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(MAILWRIGHT_|SMTP_|O365_|EXO_|VITEST|TEST_)/.test(name)),
)
const env = {
  ...inherited,
  MAILWRIGHT_ENV: 'staging',
  EXO_DIR: dir,
  // What the application under test reads: its staging SMTP settings.
  SMTP_HOST: exo.smtp.host,
  SMTP_PORT: String(exo.smtp.port),
  SMTP_USER: 'qa@contoso.test',
  SMTP_CA_FILE: join(dir, 'smtp.pem'),
  SMTP_SERVERNAME: 'smtp.office365.com',
  O365_TENANT_ID: tenant.tenantId,
  O365_CLIENT_ID: 'demo-app',
  O365_CLIENT_SECRET: secret,
  O365_LOGIN_URL: exo.loginUrl,
  O365_GRAPH_URL: exo.graphUrl,
}
// From each example's directory, where its mailwright.config.ts defines staging. Not spawnSync: the
// emulator runs in this process and must keep answering.
// DEMO_REPORT_DIR: where each example's email report goes (else the example's own test-results).
const reports = process.env.DEMO_REPORT_DIR
const run = (dir: string, args: string[], report: string) =>
  new Promise<boolean>((resolve) => {
    // Playwright's own results (its JSON report, attachments) go beside it, for the demo's test to read.
    const reportEnv = reports
      ? { MAILWRIGHT_REPORT: join(reports, report), EXAMPLE_RESULTS_DIR: join(reports, `${report}-results`) }
      : {}
    const child = spawn('pnpm', args, {
      cwd: join(root, dir),
      stdio: 'inherit',
      env: { ...env, ...reportEnv },
    })
    child.on('exit', (code) => resolve(code === 0))
  })
let ok = await run('examples/vitest-mailer', ['exec', 'vitest', 'run'], 'vitest-mailer.json')
console.log('\n━━ Playwright example (examples/playwright-signup) with MAILWRIGHT_ENV=staging\n')
ok = (await run('examples/playwright-signup', ['exec', 'playwright', 'test'], 'playwright-signup.json')) && ok
await exo.stop()
console.log(
  `\n━━ The emulated Office 365 accepted ${exo.submitted.length} submissions and holds ${exo.mailboxes.list('qa@contoso.test').length} messages for qa@contoso.test.`,
)
process.exitCode = ok ? 0 : 1

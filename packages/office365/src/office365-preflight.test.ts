import { Secret, zoneResolver } from '@mailwright/core'
import { generateCertificate } from '@mailwright/core/internal'
import { type EmulatedApp, startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { office365Preflight } from './office365-preflight.js'
import { smtpTest } from './smtp-test.js'

const tenant = (roles: EmulatedApp['roles'], extra: Partial<ReturnType<typeof tenantModel>> = {}) =>
  tenantModel({
    domain: 'contoso.test',
    smtpAuthDisabled: false,
    mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
    apps: { app1: { clientSecret: 'preflight-secret', roles, servicePrincipal: true } },
    ...extra,
  })
const credentials = (exo: { tenant: { tenantId: string }; loginUrl: string }) => ({
  tenantId: exo.tenant.tenantId,
  clientId: 'app1',
  clientSecret: new Secret('S', 'preflight-secret'),
  loginUrl: exo.loginUrl,
})

// A domain set up for Microsoft 365 as its admin center asks, and one with every usual mistake.
const goodZone = zoneResolver({
  'contoso.test': {
    MX: ['0 contoso-test.mail.protection.outlook.com'],
    TXT: ['v=spf1 include:spf.protection.outlook.com -all'],
  },
  'selector1._domainkey.contoso.test': {
    CNAME: ['selector1-contoso-test._domainkey.contoso.onmicrosoft.com'],
  },
  'selector2._domainkey.contoso.test': {
    CNAME: ['selector2-contoso-test._domainkey.contoso.onmicrosoft.com'],
  },
  '_dmarc.contoso.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@contoso.test'] },
})
const badZone = zoneResolver({
  'fabrikam.test': { MX: ['10 mx.fabrikam.test'], TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
  'selector1._domainkey.fabrikam.test': {
    CNAME: ['selector1-fabrikam-test._domainkey.fabrikam.onmicrosoft.com'],
  },
  '_dmarc.fabrikam.test': { TXT: ['v=DMARC1; p=none'] },
})

describe('office365Preflight', () => {
  it("names the role a token lacks for each part of the run, from the token's claims, never printing it", async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant(['Mail.Read']) })
    const checks = await office365Preflight({ credentials: credentials(exo), read: 'graph' })
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['SMTP.SendAsApp for SMTP AUTH (XOAUTH2)', 'fail'],
      ['Mail.Read for reading mail back through Graph', 'ok'],
    ])
    expect(checks[0]?.detail).toMatch(
      /^token for https:\/\/outlook\.office365\.com \(tenant [\w-]+, app app1; roles: none\): no SMTP\.SendAsApp role/,
    )
    expect(checks[0]?.fix).toMatch(/Office 365 Exchange Online\) and grant admin consent/)
    expect(JSON.stringify(checks)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./)
  })

  it('checks the roles of Graph sendMail and IMAP read-back too, and passes an app granted them', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant(['Mail.Send', 'IMAP.AccessAsApp']) })
    const checks = await office365Preflight({ credentials: credentials(exo), send: 'graph', read: 'imap' })
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['Mail.Send for Graph sendMail', 'ok'],
      ['IMAP.AccessAsApp for reading mail back over IMAP', 'ok'],
    ])
  })

  it("reports a token that cannot be had at the token's stage, with Entra's code", async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant(['SMTP.SendAsApp']) })
    const [check] = await office365Preflight({
      credentials: { ...credentials(exo), clientSecret: new Secret('S', 'wrong') },
    })
    expect(check).toMatchObject({ status: 'fail', detail: expect.stringMatching(/AADSTS7000215/) })
  })

  it("checks the sending domain's MX, SPF, DKIM selectors and DMARC against an offline zone", async () => {
    expect(
      (await office365Preflight({ domain: 'contoso.test', dns: goodZone })).map((c) => [c.name, c.status]),
    ).toEqual([
      ['MX', 'ok'],
      ['SPF', 'ok'],
      ['DKIM selector1', 'ok'],
      ['DKIM selector2', 'ok'],
      ['DMARC', 'ok'],
    ])
    const bad = await office365Preflight({ domain: 'fabrikam.test', dns: badZone })
    expect(bad.map((c) => [c.name, c.status])).toEqual([
      ['MX', 'warn'],
      ['SPF', 'fail'],
      ['DKIM selector1', 'ok'],
      ['DKIM selector2', 'fail'],
      ['DMARC', 'warn'],
    ])
    expect(bad[1]?.fix).toBe('Add include:spf.protection.outlook.com before the all mechanism.')
    expect(bad[3]?.detail).toBe('selector2._domainkey.fabrikam.test: no CNAME')
    expect(bad[4]?.detail).toMatch(/p=none, receivers take no action/)
    const missing = await office365Preflight({ domain: 'nowhere.test', dns: zoneResolver({}) })
    expect(missing.find((c) => c.name === 'DMARC')).toMatchObject({
      status: 'fail',
      detail: '_dmarc.nowhere.test: no DMARC record',
    })
  })

  it("reads SPF terms whole, requires the DMARC p= tag, and finds a subdomain its parent's record", async () => {
    const zone = zoneResolver({
      'evil.test': { TXT: ['v=spf1 include:spf.protection.outlook.com.evil.test -all'] },
      '_dmarc.evil.test': { TXT: ['v=DMARC1; rua=mailto:d@evil.test'] },
      'mail.contoso.test': { TXT: ['v=spf1 +include:spf.protection.outlook.com ~all'] },
      '_dmarc.contoso.test': { TXT: ['v=DMARC1; p=reject'] },
    })
    const evil = await office365Preflight({ domain: 'evil.test', dns: zone })
    expect(evil.find((c) => c.name === 'SPF')?.status).toBe('fail')
    expect(evil.find((c) => c.name === 'DMARC')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('has no p= tag, which RFC 7489 requires'),
    })
    const sub = await office365Preflight({ domain: 'mail.contoso.test', dns: zone })
    expect(sub.find((c) => c.name === 'SPF')?.status).toBe('ok')
    expect(sub.find((c) => c.name === 'DMARC')).toMatchObject({
      status: 'ok',
      detail: '_dmarc.contoso.test "v=DMARC1; p=reject"',
    })
  })

  it("checks a connector's client certificate: in date and named for the sending domain", async () => {
    const right = generateCertificate('contoso.test')
    const wrong = generateCertificate('other.test')
    expect(
      await office365Preflight({ domain: 'contoso.test', dns: goodZone, clientCertificate: right }),
    ).toContainEqual(expect.objectContaining({ name: 'client certificate', status: 'ok' }))
    // The certificate with another one's key: TLS would fail with it.
    expect(
      await office365Preflight({
        clientCertificate: { cert: right.cert, key: wrong.key },
        domain: 'contoso.test',
        dns: goodZone,
      }),
    ).toContainEqual(
      expect.objectContaining({
        name: 'client certificate',
        status: 'fail',
        detail: expect.stringContaining('is not the key of contoso.test'),
      }),
    )
    expect(
      await office365Preflight({ clientCertificate: wrong, domain: 'contoso.test', dns: goodZone }),
    ).toContainEqual(
      expect.objectContaining({
        name: 'client certificate',
        status: 'fail',
        detail: 'names other.test, localhost do not include contoso.test',
      }),
    )
  })
})

describe('smtpTest --from and a client certificate', () => {
  it('tries MAIL FROM as another address and explains a refused Send As, sending nothing', async () => {
    await using exo = await startOffice365Emulator({
      tenant: tenant(['SMTP.SendAsApp'], {
        sendAsCheck: 'mail-from',
        mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'], sendAs: ['noreply@contoso.test'] } },
      }),
    })
    const check = (from: string) =>
      smtpTest({
        host: exo.smtp.host,
        port: exo.smtp.port,
        ca: exo.smtp.ca,
        servername: 'smtp.office365.com',
        user: 'qa@contoso.test',
        oauth2: credentials(exo),
        from,
      })
    expect((await check('noreply@contoso.test')).steps.at(-1)).toMatchObject({ name: 'send-as', ok: true })
    const refused = await check('ceo@contoso.test')
    expect(refused.failedStage).toBe('send-as')
    expect(refused.steps.at(-1)?.explanation?.title).toBe('No Send As permission')
    expect(exo.submitted).toHaveLength(0)
  })

  it('refuses an address that would write an SMTP command of its own', async () => {
    await expect(
      smtpTest({ host: '127.0.0.1', port: 1, from: 'a@b.test>\r\nRCPT TO:<victim@x.test' }),
    ).rejects.toThrow(
      /^\[Mailwright\] Invalid from: "a@b\.test>\\r\\nRCPT TO:<victim@x\.test"\. Expected one email address/,
    )
  })

  it('reports a client certificate or key TLS cannot use at the STARTTLS step', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant([]) })
    const result = await smtpTest({
      host: exo.mx.host,
      port: exo.mx.port,
      ca: exo.mx.ca,
      servername: exo.mx.servername,
      clientCertificate: { cert: 'not a certificate', key: 'not a key' },
    })
    expect(result.failedStage).toBe('starttls')
    expect(result.steps.at(-1)?.detail).toMatch(/^TLS handshake failed: /)
  })

  it('presents the client certificate at STARTTLS, so a certificate connector relays', async () => {
    const client = generateCertificate('contoso.test')
    await using exo = await startOffice365Emulator({
      tenant: tenant([], {
        connectors: [{ name: 'Cert connector', certificateDomain: 'contoso.test' }],
        trustedCa: [client.cert],
      }),
    })
    const relay = (clientCertificate?: { cert: string; key: string }) =>
      smtpTest({
        host: exo.mx.host,
        port: exo.mx.port,
        ca: exo.mx.ca,
        servername: exo.mx.servername,
        from: 'app@contoso.test',
        sendTo: 'someone@partner.test',
        allowRecipients: ['*@partner.test'],
        ...(clientCertificate ? { clientCertificate } : {}),
      })
    expect((await relay()).steps.at(-1)?.detail).toMatch(/5\.7\.64 TenantAttribution/)
    expect((await relay(client)).ok).toBe(true)
    expect(exo.submitted.at(-1)).toMatchObject({ via: 'connector', connector: 'Cert connector' })
  })
})

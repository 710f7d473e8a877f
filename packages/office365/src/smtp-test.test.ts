import { Secret } from '@mailwright/core'
import { startOffice365Emulator, type TenantModel, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { smtpTest } from './smtp-test.js'

const tenant = (overrides: Partial<TenantModel> = {}) =>
  tenantModel({
    domain: 'contoso.test',
    smtpAuthDisabled: false,
    mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
    apps: { app1: { clientSecret: 'secret-abc-123', roles: ['SMTP.SendAsApp'], servicePrincipal: true } },
    ...overrides,
  })

describe('smtpTest against the emulator', () => {
  it('walks banner, EHLO, STARTTLS with a checked certificate, XOAUTH2 and a test message', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant() })
    const result = await smtpTest({
      host: exo.smtp.host,
      port: exo.smtp.port,
      ca: exo.smtp.ca,
      servername: 'smtp.office365.com',
      user: 'qa@contoso.test',
      oauth2: {
        tenantId: exo.tenant.tenantId,
        clientId: 'app1',
        clientSecret: new Secret('S', 'secret-abc-123'),
        loginUrl: exo.loginUrl,
      },
      sendTo: 'qa+smoke@contoso.test',
      allowRecipients: ['*@contoso.test'],
    })
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['connect', true],
      ['ehlo', true],
      ['starttls', true],
      ['ehlo', true],
      ['auth', true],
      ['send', true],
    ])
    expect(result.tls).toMatchObject({ authorized: true, subject: 'smtp.office365.com' })
    expect(result.tls?.protocol).toMatch(/^TLSv1\.[23]$/)
    expect(result.authMechanisms).toEqual(['LOGIN', 'XOAUTH2'])
    expect(result.ok).toBe(true)
    expect(exo.submitted).toHaveLength(1)
    expect(result.transcript.join('\n')).toContain('C: AUTH XOAUTH2 [redacted]')
  })

  it('stops at the failing stage with the explanation, and the transcript holds no secret or token', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant({ smtpAuthDisabled: true }) })
    const result = await smtpTest({
      host: exo.smtp.host,
      port: exo.smtp.port,
      ca: exo.smtp.ca,
      servername: 'smtp.office365.com',
      user: 'qa@contoso.test',
      oauth2: {
        tenantId: exo.tenant.tenantId,
        clientId: 'app1',
        clientSecret: new Secret('S', 'secret-abc-123'),
        loginUrl: exo.loginUrl,
      },
    })
    expect(result.failedStage).toBe('auth')
    expect(result.steps.at(-1)?.explanation?.title).toBe('SMTP AUTH disabled for the tenant')
    const everything = JSON.stringify(result)
    expect(everything).not.toContain('secret-abc-123')
    expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+\./)
  })

  it('flags a certificate that does not match the host', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant() })
    const result = await smtpTest({
      host: exo.smtp.host,
      port: exo.smtp.port,
      ca: exo.smtp.ca,
      servername: 'smtp.example.net',
    })
    expect(result.failedStage).toBe('starttls')
    expect(result.steps.at(-1)?.detail).toMatch(/certificate NOT trusted: ERR_TLS_CERT_ALTNAME_INVALID/)
  })

  it('refuses a --send-to outside the allowlist before connecting', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant() })
    await expect(
      smtpTest({
        host: exo.smtp.host,
        port: exo.smtp.port,
        sendTo: 'someone@gmail.com',
        allowRecipients: ['*@contoso.test'],
      }),
    ).rejects.toThrow(/Refused to send to someone@gmail\.com/)
    expect(exo.smtpConnections).toBe(0)
  })
})

import { Secret } from '@mailwright/core'
import { startOffice365Emulator, type TenantModel, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { scriptedSmtpServer } from './scripted-line-server.test-util.js'
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

describe('smtpTest never sends a credential it should not', () => {
  const user = 'qa@contoso.test'
  const password = new Secret('P', 'hunter2-password')
  const encodedUser = Buffer.from(user).toString('base64')
  const encodedPassword = Buffer.from('hunter2-password').toString('base64')
  // AUTH LOGIN without TLS, allowed on purpose: what each refusal must stop.
  const plaintextLogin = (port: number) =>
    smtpTest({ host: '127.0.0.1', port, starttls: false, allowPlaintextAuth: true, user, password })

  it('refuses to authenticate over a connection without STARTTLS, sending nothing', async () => {
    await using server = await scriptedSmtpServer({
      'AUTH LOGIN': '334 VXNlcm5hbWU6',
      '*': '334 UGFzc3dvcmQ6',
    })
    const result = await smtpTest({ host: '127.0.0.1', port: server.port, starttls: false, user, password })
    expect(result.failedStage).toBe('auth')
    expect(result.steps.at(-1)?.detail).toMatch(
      /^not attempted: the connection is not encrypted \(no STARTTLS\), so the password would travel in clear text/,
    )
    expect(server.received).toEqual(['EHLO mailwright-smtp-test'])
  })

  // The reproduction: a 504 to AUTH LOGIN, after which the user name and the password still went out.
  it('stops when the server refuses AUTH LOGIN, even when plaintext is allowed', async () => {
    await using server = await scriptedSmtpServer({
      'AUTH LOGIN': '504 5.7.4 Unrecognized authentication type',
    })
    const result = await plaintextLogin(server.port)
    expect(result.steps.at(-1)).toMatchObject({
      name: 'auth',
      ok: false,
      detail:
        'the server refused AUTH LOGIN: 504 5.7.4 Unrecognized authentication type; no credential was sent.',
    })
    expect(server.received).not.toContain(encodedUser)
    expect(server.received).not.toContain(encodedPassword)
  })

  it('does not send the password after the user name is refused', async () => {
    await using server = await scriptedSmtpServer({
      'AUTH LOGIN': '334 VXNlcm5hbWU6',
      [encodedUser]: '535 5.7.8 Authentication unsuccessful',
    })
    const result = await plaintextLogin(server.port)
    expect(result.steps.at(-1)?.detail).toBe(
      'the server refused the user name: 535 5.7.8 Authentication unsuccessful; the password was not sent.',
    )
    expect(server.received).toContain(encodedUser)
    expect(server.received).not.toContain(encodedPassword)
  })

  it('sends nothing for a mechanism the server does not offer', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant() })
    const result = await smtpTest({
      host: exo.smtp.host,
      port: exo.smtp.port,
      starttls: false,
      allowPlaintextAuth: true,
      user,
      password,
    })
    expect(result.steps.at(-1)?.detail).toBe(
      'not attempted: the server does not offer AUTH LOGIN (it offers: none); no credential was sent.',
    )
    expect(result.transcript.join('\n')).not.toContain('AUTH')
  })
})

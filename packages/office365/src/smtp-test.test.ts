import { once } from 'node:events'
import { type AddressInfo, createServer, type Socket } from 'node:net'
import { Secret } from '@mailwright/core'
import { startOffice365Emulator, type TenantModel, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { budget } from '../../core/src/time-budget.test-util.js'
import { scriptedLineServer, scriptedSmtpServer } from './scripted-line-server.test-util.js'
import { connectFailure, smtpTest } from './smtp-test.js'

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
      ['token', true],
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

describe('smtpTest names what failed, and which deadline expired', () => {
  // Healthy steps on loopback fit easily; the step under test never answers, so it is its deadline that ends it.
  const timeoutMs = budget(1000)
  const credentials = (
    exo: { tenant: { tenantId: string }; loginUrl: string },
    overrides: Partial<{ tenantId: string; clientId: string; secret: string; loginUrl: string }> = {},
  ) => ({
    tenantId: overrides.tenantId ?? exo.tenant.tenantId,
    clientId: overrides.clientId ?? 'app1',
    clientSecret: new Secret('S', overrides.secret ?? 'secret-abc-123'),
    loginUrl: overrides.loginUrl ?? exo.loginUrl,
  })

  it.each([
    [
      'a wrong secret',
      { secret: 'not-the-secret' },
      'AADSTS7000215',
      /^Wrong client secret for app app1/,
      /Value/,
    ],
    [
      'an unknown app',
      { clientId: 'app9' },
      'AADSTS700016',
      /^No app app9 in tenant/,
      /Application \(client\) ID/,
    ],
    [
      'an unknown tenant',
      { tenantId: 'no-such-tenant' },
      'AADSTS90002',
      /^No tenant no-such-tenant/,
      /Directory \(tenant\) ID/,
    ],
  ])(
    "fails at the token stage for %s, with Entra's code, before any SMTP connection",
    async (_, overrides, code, title, fix) => {
      await using exo = await startOffice365Emulator({ tenant: tenant() })
      const result = await smtpTest({
        host: exo.smtp.host,
        port: exo.smtp.port,
        user: 'qa@contoso.test',
        oauth2: credentials(exo, overrides),
        timeoutMs,
      })
      expect(result.failedStage).toBe('token')
      expect(result.steps).toHaveLength(1)
      expect(result.steps[0]?.detail).toMatch(title)
      expect(result.steps[0]?.explanation?.cause).toContain(code)
      expect(result.steps[0]?.explanation?.fix).toMatch(fix)
      expect(result.steps[0]?.explanation?.source).toMatch(/^https:\/\/learn\.microsoft\.com\//)
      expect(exo.smtpConnections).toBe(0)
      expect(JSON.stringify(result)).not.toContain('not-the-secret')
    },
  )

  it('gives network hints, not credential ones, when the login server cannot be reached', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant() })
    const closed = await closedPort()
    const result = await smtpTest({
      host: exo.smtp.host,
      port: exo.smtp.port,
      user: 'qa@contoso.test',
      oauth2: credentials(exo, { loginUrl: `http://127.0.0.1:${closed}` }),
      timeoutMs,
    })
    expect(result.failedStage).toBe('token')
    expect(result.steps[0]?.detail).toBe('Connection to the login server refused or cut')
    expect(result.steps[0]?.explanation?.cause).toMatch(/ECONNREFUSED/)
    expect(result.steps[0]?.explanation?.fix).toMatch(/proxy/)
    expect(JSON.stringify(result)).not.toMatch(/client secret|tenant id/i)
  })

  it('ends a token request the login server never answers at its deadline, and says so', async () => {
    await using exo = await startOffice365Emulator({ tenant: tenant() })
    await using silent = await silentServer()
    const result = await smtpTest({
      host: exo.smtp.host,
      port: exo.smtp.port,
      user: 'qa@contoso.test',
      oauth2: credentials(exo, { loginUrl: `http://127.0.0.1:${silent.port}` }),
      timeoutMs,
    })
    expect(result.failedStage).toBe('token')
    expect(result.steps[0]?.detail).toBe('Token request timed out')
    expect(result.steps[0]?.explanation?.cause).toBe(
      `127.0.0.1:${silent.port} did not answer within ${timeoutMs} ms (the token deadline).`,
    )
  })

  it('says a connection was refused, and what to check', async () => {
    const port = await closedPort()
    const result = await smtpTest({ host: '127.0.0.1', port, timeoutMs })
    expect(result.failedStage).toBe('connect')
    expect(result.steps[0]?.detail).toMatch(
      /ECONNREFUSED.*\. Nothing accepts connections there, or a firewall refuses them/,
    )
  })

  it('adds to any connection failure on port 465 that it is not the submission port', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:465'), { code: 'ECONNREFUSED' })
    expect(connectFailure('smtp.office365.com', 465, refused)).toMatch(
      /Port 465 expects TLS from the first byte, which smtp-test does not speak, and Office 365 does not offer it for submission: use smtp\.office365\.com port 587 with STARTTLS\.$/,
    )
    expect(connectFailure('smtp.office365.com', 587, refused)).not.toMatch(/Port 465 expects/)
  })

  it('names the reply that never came: EHLO, within the reply deadline', async () => {
    await using server = await scriptedLineServer('220 mute ESMTP', () => undefined)
    const result = await smtpTest({ host: '127.0.0.1', port: server.port, timeoutMs })
    expect(result.failedStage).toBe('ehlo')
    expect(result.steps.at(-1)?.detail).toBe(`no reply to EHLO within ${timeoutMs} ms (the reply deadline)`)
  })

  it('ends a TLS handshake the server never completes at the TLS deadline', async () => {
    await using server = await scriptedLineServer('220 half ESMTP', (line) =>
      line.startsWith('EHLO') ? '250-half\r\n250 STARTTLS' : line === 'STARTTLS' ? '220 go ahead' : undefined,
    )
    const result = await smtpTest({ host: '127.0.0.1', port: server.port, timeoutMs })
    expect(result.failedStage).toBe('starttls')
    expect(result.steps.at(-1)?.detail).toBe(
      `TLS handshake failed: no TLS handshake within ${timeoutMs} ms (the TLS deadline)`,
    )
  })
})

// Accepts connections and never writes a byte: a login server behind a black hole.
async function silentServer() {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    [Symbol.asyncDispose]: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

async function closedPort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

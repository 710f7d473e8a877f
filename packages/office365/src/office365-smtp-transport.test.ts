import { inspect } from 'node:util'
import { type MailwrightError, RecipientNotAllowedError, Secret, SmtpSubmissionError } from '@mailwright/core'
import { guardedTransport } from '@mailwright/core/internal'
import {
  type StartedOffice365Emulator,
  startOffice365Emulator,
  type TenantModel,
  tenantModel,
} from '@mailwright/office365-emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { BASIC_AUTH_WARNING, office365SmtpTransport } from './office365-smtp-transport.js'
import { scriptedSmtpServer } from './scripted-line-server.test-util.js'

const SECRET = 'client-secret-value-9f8e7d'
const tenant = (overrides: Partial<TenantModel> = {}) =>
  tenantModel({
    domain: 'contoso.test',
    smtpAuthDisabled: false,
    basicAuth: 'allowed',
    mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'], password: 'mailbox-password-1' } },
    apps: { app1: { clientSecret: SECRET, roles: ['SMTP.SendAsApp'], servicePrincipal: true } },
    ...overrides,
  })

let exo: StartedOffice365Emulator | undefined
afterEach(async () => {
  await exo?.stop()
  exo = undefined
})

function staging(emulator: StartedOffice365Emulator, extra: { retries?: number; secret?: string } = {}) {
  const clientSecret = new Secret('O365_CLIENT_SECRET', extra.secret ?? SECRET)
  const inner = office365SmtpTransport({
    user: 'qa@contoso.test',
    auth: 'oauth2',
    credentials: {
      tenantId: emulator.tenant.tenantId,
      clientId: 'app1',
      clientSecret,
      loginUrl: emulator.loginUrl,
    },
    host: emulator.smtp.host,
    port: emulator.smtp.port,
    ca: emulator.smtp.ca,
    servername: 'smtp.office365.com',
  })
  return guardedTransport(inner, {
    environment: 'staging',
    allowRecipients: ['*@contoso.test'],
    retries: extra.retries ?? 2,
    backoffMs: 10,
    secrets: [clientSecret],
  })
}

const email = { from: 'qa@contoso.test', to: 'qa+t1@contoso.test', subject: 'Staging', text: 'Hello' }

describe('Office 365 SMTP transport (against the emulator)', () => {
  it('submits with OAuth2: a client-credentials token from msal-node, XOAUTH2 over STARTTLS', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const result = await staging(exo).send(email)
    expect(result.response).toMatch(/^250 2\.0\.0 OK </)
    expect(exo.submitted[0]).toMatchObject({
      authenticatedAs: 'qa@contoso.test',
      rcptTo: ['qa+t1@contoso.test'],
    })
  })

  it('refuses a recipient outside the allowlist before any connection or token request', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const error = await staging(exo)
      .send({ ...email, to: ['qa+t1@contoso.test'], bcc: 'customer@gmail.com' })
      .catch((e) => e)
    expect(error).toBeInstanceOf(RecipientNotAllowedError)
    expect(error.address).toBe('customer@gmail.com')
    expect(exo.smtpConnections).toBe(0)
    expect(exo.submitted).toHaveLength(0)
  })

  it('explains a refusal: SMTP AUTH disabled for the tenant, at AUTH, never retried', async () => {
    exo = await startOffice365Emulator({ tenant: tenant({ smtpAuthDisabled: true }) })
    const error = (await staging(exo)
      .send(email)
      .catch((e) => e)) as SmtpSubmissionError
    expect(error).toBeInstanceOf(SmtpSubmissionError)
    expect(error.stage).toBe('AUTH')
    expect(error.explanation?.title).toBe('SMTP AUTH disabled for the tenant')
    expect(error.message).toContain(
      'What to do: Set-CASMailbox <mailbox> -SmtpClientAuthenticationDisabled $false',
    )
    expect(exo.smtpConnections).toBe(1)
  })

  it('retries a transient 4xx with back-off, then reports it', async () => {
    exo = await startOffice365Emulator({ tenant: tenant({ ratePerMinute: 0, rateMode: 'reject' }) })
    const error = (await staging(exo, { retries: 2 })
      .send(email)
      .catch((e) => e)) as SmtpSubmissionError
    expect(error.explanation?.title).toBe('Server busy (throttled)')
    expect(exo.smtpConnections).toBe(3)
  })

  it('never retries a 5xx', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const error = (await staging(exo)
      .send({ ...email, from: 'ceo@contoso.test' })
      .catch((e) => e)) as SmtpSubmissionError
    expect(error.explanation?.title).toBe('Send As denied after DATA')
    expect(error.stage).toBe('DATA')
    expect(exo.smtpConnections).toBe(1)
  })

  it('keeps the client secret, the token and the password out of every output of a failing run', async () => {
    exo = await startOffice365Emulator({
      tenant: tenant({ apps: { app1: { clientSecret: SECRET, roles: [], servicePrincipal: true } } }),
    })
    const token = exo.issueToken({
      aud: 'https://outlook.office365.com',
      tid: exo.tenant.tenantId,
      appid: 'app1',
      roles: [],
    })
    const logged: string[] = []
    const original = { log: console.log, warn: console.warn, error: console.error }
    console.log =
      console.warn =
      console.error =
        (...args: unknown[]) => logged.push(args.map(String).join(' '))
    let outputs: string[]
    try {
      const oauth = (await staging(exo)
        .send(email)
        .catch((e) => e)) as SmtpSubmissionError
      const wrongSecret = (await staging(exo, { secret: 'wrong-secret-0123' })
        .send(email)
        .catch((e) => e)) as MailwrightError
      const basic = await guardedTransport(
        office365SmtpTransport({
          user: 'qa@contoso.test',
          auth: 'basic',
          password: new Secret('PW', 'wrong-password-xyz'),
          host: exo.smtp.host,
          port: exo.smtp.port,
          ca: exo.smtp.ca,
          servername: 'smtp.office365.com',
        }),
        {
          environment: 'staging',
          allowRecipients: ['*@contoso.test'],
          secrets: [new Secret('PW', 'wrong-password-xyz')],
        },
      )
        .send(email)
        .catch((e) => e as Error)
      expect(oauth.explanation?.title).toBe('Authentication unsuccessful')
      expect(wrongSecret.detail).toMatch(
        /^Could not get a token for https:\/\/outlook\.office365\.com\/\.default as app app1 .*AADSTS7000215/,
      )
      expect((basic as SmtpSubmissionError).explanation?.title).toBe('Wrong user name or password')
      outputs = [oauth, wrongSecret, basic as Error].flatMap((e) => [
        e.message,
        String(e.stack),
        inspect(e, { depth: 5 }),
        JSON.stringify(e),
      ])
    } finally {
      Object.assign(console, original)
    }
    expect(logged).toContain(BASIC_AUTH_WARNING)
    for (const output of [...outputs, ...logged]) {
      for (const secret of [
        SECRET,
        'wrong-secret-0123',
        'wrong-password-xyz',
        token,
        Buffer.from('wrong-password-xyz').toString('base64'),
      ]) {
        expect(output).not.toContain(secret)
      }
    }
  })
})

// nodemailer's requireTLS: a server that offers no STARTTLS never sees AUTH, so the password stays home.
it('sends no credential to a server that does not offer STARTTLS', async () => {
  await using server = await scriptedSmtpServer({ STARTTLS: '454 4.7.0 TLS not available', '*': '250 ok' })
  const transport = office365SmtpTransport({
    user: 'qa@contoso.test',
    auth: 'basic',
    password: new Secret('P', 'mailbox-password-1'),
    host: '127.0.0.1',
    port: server.port,
    onWarning: () => {},
  })
  await expect(
    transport.send({ from: 'qa@contoso.test', to: 'qa@contoso.test', subject: 'x', text: 'x' }),
  ).rejects.toThrow(/STARTTLS|TLS/)
  expect(server.received).toContain('STARTTLS')
  expect(server.received.filter((line) => /^AUTH/i.test(line))).toEqual([])
  expect(server.received.join('\n')).not.toContain(Buffer.from('mailbox-password-1').toString('base64'))
})

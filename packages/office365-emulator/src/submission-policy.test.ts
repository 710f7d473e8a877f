import { describe, expect, it } from 'vitest'
import {
  authCommandRefusal,
  basicAuthRefusal,
  concurrentSendersRefusal,
  ehloLines,
  mailCommandRefusal,
  matchingConnector,
  mxRecipientRefusal,
  mxVerdict,
  parseMailFrom,
  parseXoauth2,
  rcptCommand,
  sendAsAtMailRefusal,
  submissionVerdict,
  xoauth2Refusal,
} from './submission-policy.js'
import { tenantModel } from './tenant-model.js'
import type { TokenClaims } from './token-issuer.js'

// Each failure mode of Exchange Online's endpoints, decided by one pure function: tested here without a
// socket. (emulator.test.ts drives the same decisions over SMTP, with real clients.)
const host = 'AM0PR01MB0001.eurprd01.prod.outlook.com'
const tenant = tenantModel({
  domain: 'contoso.test',
  smtpAuthDisabled: false,
  basicAuth: 'allowed',
  mailboxes: {
    'qa@contoso.test': { password: 'pw', fullAccessApps: ['app1'], sendAs: ['Sales@contoso.test'] },
    'off@contoso.test': { smtpAuthDisabled: true, password: 'pw' },
  },
  apps: { app1: { clientSecret: 's', roles: ['SMTP.SendAsApp'], servicePrincipal: true } },
  connectors: [
    { name: 'By IP', senderIps: ['198.51.100.7'] },
    { name: 'By certificate', certificateDomain: 'contoso.test' },
  ],
})
const claims = (over: Partial<TokenClaims> = {}): TokenClaims =>
  ({
    aud: 'https://outlook.office365.com',
    tid: tenant.tenantId,
    appid: 'app1',
    roles: ['SMTP.SendAsApp'],
    ...over,
  }) as TokenClaims

describe('the submission and MX endpoints, decision by decision', () => {
  it('offers STARTTLS before TLS, AUTH LOGIN XOAUTH2 after it, and never AUTH on the MX endpoint', () => {
    const ehlo = (tls: boolean, endpoint: 'submission' | 'mx') =>
      ehloLines({ hostname: host, remote: '127.0.0.1', maxSize: 1000, tls, endpoint })
    expect(ehlo(false, 'submission')).toContain('STARTTLS')
    expect(ehlo(false, 'submission')).not.toContain('AUTH LOGIN XOAUTH2')
    expect(ehlo(true, 'submission')).toContain('AUTH LOGIN XOAUTH2')
    expect(ehlo(true, 'mx').some((l) => l.startsWith('AUTH'))).toBe(false)
  })

  it('refuses AUTH before EHLO, twice, before STARTTLS, for PLAIN and on the MX endpoint', () => {
    const auth = (over: Partial<Parameters<typeof authCommandRefusal>[0]>) =>
      authCommandRefusal({
        greeted: true,
        authenticated: false,
        endpoint: 'submission',
        tls: true,
        mechanism: 'XOAUTH2',
        hostname: host,
        ...over,
      })
    expect(auth({})).toBeUndefined()
    expect(auth({ greeted: false })).toBe('503 5.5.2 Send hello first')
    expect(auth({ authenticated: true })).toBe('503 5.5.2 Auth command already specified')
    for (const over of [{ tls: false }, { mechanism: 'PLAIN' }, { endpoint: 'mx' as const }])
      expect(auth(over)).toBe(`504 5.7.4 Unrecognized authentication type [${host}]`)
  })

  it('reads XOAUTH2 only in its exact form', () => {
    const encode = (text: string) => Buffer.from(text).toString('base64')
    expect(parseXoauth2(encode('user=QA@contoso.test\u0001auth=Bearer t0k\u0001\u0001'))).toEqual({
      user: 'qa@contoso.test',
      bearer: 't0k',
    })
    expect(parseXoauth2(encode('user=qa@contoso.test\u0001auth=Bearer t0k\u0001'))).toBeUndefined()
    expect(parseXoauth2(encode('qa@contoso.test\u0001auth=Bearer t0k\u0001\u0001'))).toBeUndefined()
  })

  it('accepts a token only for Exchange Online, this tenant, SMTP.SendAsApp and a mailbox the app has', () => {
    expect(xoauth2Refusal(tenant, 'qa@contoso.test', claims(), host)).toBeUndefined()
    const refused = `535 5.7.3 Authentication unsuccessful [${host}]`
    expect(xoauth2Refusal(tenant, 'qa@contoso.test', undefined, host)).toBe(refused)
    expect(
      xoauth2Refusal(tenant, 'qa@contoso.test', claims({ aud: 'https://graph.microsoft.com' }), host),
    ).toBe(refused)
    expect(xoauth2Refusal(tenant, 'qa@contoso.test', claims({ roles: ['Mail.Send'] }), host)).toBe(refused)
    expect(xoauth2Refusal(tenant, 'other@contoso.test', claims(), host)).toBe(refused)
    expect(xoauth2Refusal(tenant, 'off@contoso.test', claims(), host)).toMatch(
      /^535 5\.7\.139 .*SmtpClientAuthentication is disabled for the Mailbox/,
    )
  })

  it("answers Basic auth as the tenant's setting says, then by the password", () => {
    expect(basicAuthRefusal(tenant, 'qa@contoso.test', 'pw', host)).toBeUndefined()
    expect(basicAuthRefusal(tenant, 'qa@contoso.test', 'wrong', host)).toMatch(/credentials were incorrect/)
    const mode = (basicAuth: typeof tenant.basicAuth) =>
      basicAuthRefusal({ ...tenant, basicAuth }, 'qa@contoso.test', 'pw', host)
    expect(mode('retired')).toBe('550 5.7.30 Basic authentication is not supported for Client Submission.')
    expect(mode('disabled')).toMatch(/^535 5\.7\.139 .*basic authentication is disabled/)
    expect(mode('security-defaults')).toMatch(/security defaults policy/)
    expect(mode('conditional-access')).toMatch(/did not meet the criteria/)
  })

  it('refuses the sender past the concurrent limit with a transient 432', () => {
    expect(concurrentSendersRefusal(tenant.maxConnections, tenant)).toBeUndefined()
    expect(concurrentSendersRefusal(tenant.maxConnections + 1, tenant)).toBe(
      '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded',
    )
  })

  it('refuses MAIL without AUTH with the earlier 535, and checks its syntax, size and Send As', () => {
    expect(
      mailCommandRefusal({
        greeted: true,
        endpoint: 'submission',
        authenticated: false,
        lastAuthError: '535 5.7.3 Authentication unsuccessful',
        hostname: host,
      }),
    ).toBe(
      `530 5.7.57 Client not authenticated to send mail. [${host}] Error: 535 5.7.3 Authentication unsuccessful`,
    )
    expect(
      mailCommandRefusal({
        greeted: true,
        endpoint: 'mx',
        authenticated: false,
        lastAuthError: undefined,
        hostname: host,
      }),
    ).toBeUndefined()
    expect(parseMailFrom('FROM:<QA@contoso.test> SIZE=10', { maxSize: 100, alreadyGiven: false })).toEqual({
      address: 'qa@contoso.test',
    })
    expect(parseMailFrom('FROM:<a@b> SIZE=101', { maxSize: 100, alreadyGiven: false })).toEqual({
      reply: '552 5.3.4 Message size exceeds fixed maximum message size',
    })
    expect(parseMailFrom('FROM a@b', { maxSize: 100, alreadyGiven: false })).toEqual({
      reply: '501 5.5.4 Invalid arguments',
    })
    expect(parseMailFrom('FROM:<a@b>', { maxSize: 100, alreadyGiven: true })).toEqual({
      reply: '503 5.5.2 Sender already specified',
    })
    const atMail = { ...tenant, sendAsCheck: 'mail-from' as const }
    expect(sendAsAtMailRefusal(atMail, 'qa@contoso.test', 'sales@contoso.test')).toBeUndefined()
    expect(sendAsAtMailRefusal(atMail, 'qa@contoso.test', 'ceo@contoso.test')).toBe(
      '550 5.7.60 SMTP; Client does not have permissions to send as this sender',
    )
    expect(sendAsAtMailRefusal(tenant, 'qa@contoso.test', 'ceo@contoso.test')).toBeUndefined()
  })

  it('matches an inbound connector by IP or by a verified certificate name, wildcards included', () => {
    expect(matchingConnector(tenant, '198.51.100.7', [])).toBe('By IP')
    expect(matchingConnector(tenant, '203.0.113.1', ['*.contoso.test'])).toBe('By certificate')
    expect(matchingConnector(tenant, '203.0.113.1', ['fabrikam.test'])).toBeUndefined()
  })

  it('takes RCPT after MAIL within the limit; on the MX endpoint, relays only through a connector', () => {
    expect(rcptCommand('TO:<a@contoso.test>', { mailGiven: false, recipients: 0, maxRecipients: 1 })).toEqual(
      {
        reply: '503 5.5.2 Need mail command',
      },
    )
    expect(rcptCommand('TO:<b@contoso.test>', { mailGiven: true, recipients: 1, maxRecipients: 1 })).toEqual({
      reply: '452 4.5.3 Too many recipients',
    })
    const mx = (address: string, connector?: string, mailFrom = 'app@partner.test', t = tenant) =>
      mxRecipientRefusal(t, { address, mailFrom, connector, hostname: host })
    expect(mx('qa+x@contoso.test')).toBeUndefined()
    expect(mx('someone@partner.test')).toBe(`550 5.7.64 TenantAttribution; Relay Access Denied [${host}]`)
    expect(mx('someone@partner.test', 'By IP')).toBeUndefined()
    expect(mx('nobody@contoso.test')).toMatch(/^550 5\.4\.1 .*AS\(201806281\)/)
    expect(
      mx('qa@contoso.test', undefined, 'app@contoso.test', { ...tenant, rejectDirectSend: true }),
    ).toMatch(/^550 5\.7\.68 /)
  })

  it('after DATA: size, Send As for the header From, the daily quota, then the rate (reject or carry over)', () => {
    const message = (from: string) => Buffer.from(`From: ${from}\r\nSubject: x\r\n\r\nbody\r\n`)
    const verdict = (over: Partial<Parameters<typeof submissionVerdict>[1]> = {}, t = tenant) =>
      submissionVerdict(t, {
        user: 'qa@contoso.test',
        mailFrom: 'qa@contoso.test',
        recipients: 1,
        raw: message('QA <qa@contoso.test>'),
        recipientsToday: 0,
        minute: [],
        now: 120_000,
        remote: '127.0.0.1',
        ...over,
      })
    expect(verdict()).toEqual({ action: 'accept', delayMs: 0 })
    expect(verdict({ raw: message('CEO <ceo@contoso.test>') })).toMatchObject({
      action: 'refuse',
      reply: expect.stringMatching(
        /^554 5\.2\.252 SendAsDenied; qa@contoso\.test not allowed to send as ceo@contoso\.test/,
      ),
    })
    expect(verdict({}, { ...tenant, maxSize: 10 })).toMatchObject({
      reply: expect.stringMatching(/^552 5\.3\.4 /),
    })
    expect(verdict({ recipientsToday: tenant.recipientQuota })).toMatchObject({
      reply: '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException',
    })
    const full = Array.from({ length: tenant.ratePerMinute }, (_, i) => 100_000 + i)
    expect(verdict({ minute: full })).toEqual({ action: 'accept', delayMs: 40_000 })
    expect(verdict({ minute: full }, { ...tenant, rateMode: 'reject' })).toMatchObject({
      reply: expect.stringMatching(/^451 4\.7\.500 Server busy/),
    })
    expect(mxVerdict(tenant, { raw: message('a@b.test'), minute: [], ip: '198.51.100.7' })).toBeUndefined()
    expect(
      mxVerdict(
        { ...tenant, mxRatePerMinute: 1 },
        { raw: message('a@b.test'), minute: [1], ip: '198.51.100.7' },
      ),
    ).toBe('451 4.7.500 Server busy. Please try again later from [198.51.100.7]. (AS761)')
  })
})

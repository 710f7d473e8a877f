import { MailwrightError, RecipientNotAllowedError, Secret } from '@mailwright/core'
import { guardedTransport } from '@mailwright/core/internal'
import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { graphSendMailTransport } from './graph-send-mail-transport.js'

const emulator = (roles: string[], limits: Partial<ReturnType<typeof tenantModel>> = {}) =>
  startOffice365Emulator({
    tenant: tenantModel({
      domain: 'contoso.test',
      mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
      apps: { app1: { clientSecret: 'gs', roles, servicePrincipal: true } },
      ...limits,
    }),
  })
const transportOn = (exo: Awaited<ReturnType<typeof emulator>>) =>
  graphSendMailTransport({
    mailbox: 'qa@contoso.test',
    credentials: {
      tenantId: exo.tenant.tenantId,
      clientId: 'app1',
      clientSecret: new Secret('S', 'gs'),
      loginUrl: exo.loginUrl,
    },
    graphUrl: exo.graphUrl,
  })

describe('Graph sendMail transport (against the emulator)', () => {
  it('posts the MIME as base64 and the message arrives in the mailbox', async () => {
    await using exo = await emulator(['Mail.Send'])
    const transport = guardedTransport(transportOn(exo), {
      environment: 'staging',
      allowRecipients: ['qa+*@contoso.test'],
    })
    const result = await transport.send({
      from: 'qa@contoso.test',
      to: 'qa+g1@contoso.test',
      subject: 'Via Graph',
      text: 'Hello',
    })
    expect(result.response).toBe('202 Accepted (queued)')
    const [stored] = exo.mailboxes.list('qa@contoso.test')
    expect(stored?.subject).toBe('Via Graph')
    expect(stored?.toRecipients).toEqual(['qa+g1@contoso.test'])
    await expect(
      transport.send({ from: 'qa@contoso.test', to: 'boss@contoso.test', text: 'x' }),
    ).rejects.toBeInstanceOf(RecipientNotAllowedError)
  })

  it('explains a 403 when the app lacks Mail.Send', async () => {
    await using exo = await emulator(['Mail.Read'])
    const transport = transportOn(exo)
    const error = await transport
      .send({ from: 'qa@contoso.test', to: 'qa+g2@contoso.test', text: 'x' })
      .catch((e) => e)
    expect(error).toBeInstanceOf(MailwrightError)
    expect(error.detail).toMatch(
      /^Graph sendMail as qa@contoso\.test answered 403 ErrorAccessDenied: .* The app lacks Mail\.Send/,
    )
  })

  it('waits out 429 MailboxConcurrency as Retry-After says, so concurrent sends all arrive', async () => {
    // One request at a time on the mailbox, each taking 40 ms: four concurrent sends collide.
    await using exo = await emulator(['Mail.Send'], {
      graphConcurrency: 1,
      graphRetryAfterSeconds: 0,
      graphLatencyMs: 40,
    })
    const transport = transportOn(exo)
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        transport.send({ from: 'qa@contoso.test', to: `qa+c${n}@contoso.test`, subject: `C${n}`, text: 'x' }),
      ),
    )
    expect(results.map((r) => r.response)).toEqual(Array(4).fill('202 Accepted (queued)'))
    expect(exo.graphThrottled).toBeGreaterThan(0)
    expect(
      exo.mailboxes
        .list('qa@contoso.test')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['C1', 'C2', 'C3', 'C4'])
  })

  it('gives up after its retries and says why', async () => {
    await using exo = await emulator(['Mail.Send'], { graphConcurrency: 0, graphRetryAfterSeconds: 0 })
    const error = await transportOn(exo)
      .send({ from: 'qa@contoso.test', to: 'qa+t@contoso.test', text: 'x' })
      .catch((e) => e)
    expect(error.detail).toMatch(
      /^Graph sendMail as qa@contoso\.test answered 429 ApplicationThrottled: Application is over its MailboxConcurrency limit\. Graph throttled the app on this mailbox: it allows 4 concurrent requests per app and mailbox, and 10,000 requests per 10 minutes\. Still throttled after 5 retries at the Retry-After it asked for \(0 s\): send less at once\.$/,
    )
    expect(exo.graphThrottled).toBe(6)
  })
})

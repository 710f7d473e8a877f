import { guardedTransport, MailwrightError, RecipientNotAllowedError, Secret } from '@mailwright/core'
import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { graphSendMailTransport } from './graph-send-mail-transport.js'

const emulator = (roles: string[]) =>
  startOffice365Emulator({
    tenant: tenantModel({
      domain: 'contoso.test',
      mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
      apps: { app1: { clientSecret: 'gs', roles, servicePrincipal: true } },
    }),
  })

describe('Graph sendMail transport (against the emulator)', () => {
  it('posts the MIME as base64 and the message arrives in the mailbox', async () => {
    await using exo = await emulator(['Mail.Send'])
    const transport = guardedTransport(
      graphSendMailTransport({
        mailbox: 'qa@contoso.test',
        credentials: {
          tenantId: exo.tenant.tenantId,
          clientId: 'app1',
          clientSecret: new Secret('S', 'gs'),
          loginUrl: exo.loginUrl,
        },
        graphUrl: exo.graphUrl,
      }),
      { environment: 'staging', allowRecipients: ['qa+*@contoso.test'] },
    )
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
    const transport = graphSendMailTransport({
      mailbox: 'qa@contoso.test',
      credentials: {
        tenantId: exo.tenant.tenantId,
        clientId: 'app1',
        clientSecret: new Secret('S', 'gs'),
        loginUrl: exo.loginUrl,
      },
      graphUrl: exo.graphUrl,
    })
    const error = await transport
      .send({ from: 'qa@contoso.test', to: 'qa+g2@contoso.test', text: 'x' })
      .catch((e) => e)
    expect(error).toBeInstanceOf(MailwrightError)
    expect(error.message).toMatch(
      /^Graph sendMail as qa@contoso\.test answered 403 ErrorAccessDenied: .* The app lacks Mail\.Send/,
    )
  })
})

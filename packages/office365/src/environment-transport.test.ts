import { defineConfig, env, RecipientNotAllowedError, resolveEnvironment } from '@mailwright/core'
import {
  environmentInboxProvider,
  environmentTransport,
  generateCertificate,
} from '@mailwright/core/internal'

import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'

describe('environmentTransport for a staging environment (Office 365 emulated)', () => {
  it("refuses a config its types cannot use, naming the key (the plugin's required keys and checks)", async () => {
    const bad = (environment: object) =>
      expect(
        resolveEnvironment({ environments: { x: environment } } as never, { name: 'x', env: { S: 's' } }),
      ).rejects
    // A key the type does not take (a typo) is named, not silently ignored.
    await bad({ inbox: { type: 'imap', host: 'h', user: 'u', pasword: env('S') } }).toThrow(
      'environments.x.inbox.pasword is not a key of inbox type "imap". It takes: host, port, user, password, accessToken, secure, allowPlaintextAuth. Check the spelling.',
    )
    await bad({ inbox: { type: 'graph', mailbox: 'qa@contoso.com' } }).toThrow(
      'environments.x.inbox.tenantId is required for inbox type "graph"',
    )
    await bad({ inbox: { type: 'imap', host: 'h', user: 'u', password: 'hunter22' } }).toThrow(
      "environments.x.inbox.password is written in the file. Secrets come only from the environment: write password: env('PASSWORD').",
    )
    await bad({
      transport: { type: 'office365-smtp', user: 'qa@contoso.com', auth: 'oauth2', clientSecret: env('S') },
      allowRecipients: ['*@contoso.com'],
    }).toThrow('environments.x.transport.tenantId is required for auth "oauth2"')
    await bad({
      transport: { type: 'office365-relay', host: 'contoso-com.mail.protection.outlook.com' },
    }).toThrow(
      /environments\.x\.allowRecipients is empty, but this environment sends real mail \(transport office365-relay\)/,
    )
  })

  it('submits through Office 365 with OAuth2 from env() secrets, and refuses what the allowlist does not allow', async () => {
    await using exo = await startOffice365Emulator({
      tenant: tenantModel({
        domain: 'contoso.test',
        smtpAuthDisabled: false,
        mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
        apps: { app1: { clientSecret: 'staging-secret', roles: ['SMTP.SendAsApp'], servicePrincipal: true } },
      }),
    })
    const config = defineConfig({
      environments: {
        sandbox: { inbox: { type: 'local' } },
        staging: {
          transport: {
            type: 'office365-smtp',
            user: 'qa@contoso.test',
            auth: 'oauth2',
            tenantId: env('O365_TENANT_ID'),
            clientId: env('O365_CLIENT_ID'),
            clientSecret: env('O365_CLIENT_SECRET'),
            host: exo.smtp.host,
            port: exo.smtp.port,
            ca: exo.smtp.ca,
            servername: 'smtp.office365.com',
            loginUrl: exo.loginUrl,
          },
          allowRecipients: ['*@contoso.test'],
        },
      },
    })
    const staging = await resolveEnvironment(config, {
      env: {
        MAILWRIGHT_ENV: 'staging',
        O365_TENANT_ID: exo.tenant.tenantId,
        O365_CLIENT_ID: 'app1',
        O365_CLIENT_SECRET: 'staging-secret',
      },
    })
    const transport = await environmentTransport(staging)
    expect(transport.description).toBe(`${exo.smtp.host}:${exo.smtp.port}`)
    const result = await transport.send({
      from: 'qa@contoso.test',
      to: 'qa+t9@contoso.test',
      subject: 'Staging',
      text: 'Hi',
    })
    expect(result.response).toMatch(/^250 2\.0\.0 OK </)
    expect(exo.submitted.map((m) => m.rcptTo)).toEqual([['qa+t9@contoso.test']])
    const connectionsBefore = exo.smtpConnections
    await expect(
      transport.send({ from: 'qa@contoso.test', to: 'customer@example.org', text: 'x' }),
    ).rejects.toBeInstanceOf(RecipientNotAllowedError)
    expect(exo.smtpConnections).toBe(connectionsBefore)
    await transport.close()
  })

  it('reads staging inboxes through Graph when the environment says inbox: graph', async () => {
    await using exo = await startOffice365Emulator({
      tenant: tenantModel({
        domain: 'contoso.test',
        smtpAuthDisabled: false,
        mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
        apps: {
          app1: { clientSecret: 's3', roles: ['SMTP.SendAsApp', 'Mail.Read'], servicePrincipal: true },
        },
      }),
    })
    const credentials = {
      tenantId: env('O365_TENANT_ID'),
      clientId: env('O365_CLIENT_ID'),
      clientSecret: env('O365_CLIENT_SECRET'),
    }
    const staging = await resolveEnvironment(
      defineConfig({
        environments: {
          staging: {
            inbox: {
              type: 'graph',
              mailbox: 'qa@contoso.test',
              ...credentials,
              graphUrl: exo.graphUrl,
              loginUrl: exo.loginUrl,
              pollMs: 50,
            },
            transport: {
              type: 'office365-smtp',
              user: 'qa@contoso.test',
              auth: 'oauth2',
              ...credentials,
              host: exo.smtp.host,
              port: exo.smtp.port,
              ca: exo.smtp.ca,
              servername: 'smtp.office365.com',
              loginUrl: exo.loginUrl,
            },
            allowRecipients: ['qa+*@contoso.test'],
          },
        },
      }),
      {
        name: 'staging',
        env: { O365_TENANT_ID: exo.tenant.tenantId, O365_CLIENT_ID: 'app1', O365_CLIENT_SECRET: 's3' },
      },
    )
    const provider = await environmentInboxProvider(staging)
    const inbox = await provider.createInbox('cfg')
    const transport = await environmentTransport(staging)
    await transport.send({ from: 'qa@contoso.test', to: inbox.address, subject: 'Through config', text: 'x' })
    expect((await inbox.waitForEmail({ subject: 'Through config' }, { timeout: 5000 })).to[0]?.address).toBe(
      inbox.address,
    )
    await transport.close()
  })

  it('sends through Graph sendMail when the environment says transport: graph', async () => {
    await using exo = await startOffice365Emulator({
      tenant: tenantModel({
        domain: 'contoso.test',
        mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
        apps: { app1: { clientSecret: 's4', roles: ['Mail.Send'], servicePrincipal: true } },
      }),
    })
    const staging = await resolveEnvironment(
      defineConfig({
        environments: {
          staging: {
            transport: {
              type: 'graph',
              mailbox: 'qa@contoso.test',
              tenantId: env('T'),
              clientId: env('C'),
              clientSecret: env('S'),
              graphUrl: exo.graphUrl,
              loginUrl: exo.loginUrl,
            },
            allowRecipients: ['qa+*@contoso.test'],
          },
        },
      }),
      { name: 'staging', env: { T: exo.tenant.tenantId, C: 'app1', S: 's4' } },
    )
    const transport = await environmentTransport(staging)
    expect(
      (
        await transport.send({
          from: 'qa@contoso.test',
          to: 'qa+g@contoso.test',
          subject: 'Graph env',
          text: 'x',
        })
      ).response,
    ).toBe('202 Accepted (queued)')
    expect(exo.mailboxes.list('qa@contoso.test').map((m) => m.subject)).toEqual(['Graph env'])
  })

  it('relays through an inbound connector when the environment says transport: office365-relay', async () => {
    const client = generateCertificate('contoso.test')
    await using exo = await startOffice365Emulator({
      tenant: tenantModel({
        domain: 'contoso.test',
        mailboxes: { 'qa@contoso.test': {} },
        connectors: [{ name: 'App certificate', certificateDomain: 'contoso.test' }],
        trustedCa: [client.cert],
      }),
    })
    const config = defineConfig({
      environments: {
        staging: {
          transport: {
            type: 'office365-relay',
            host: exo.mx.host,
            port: exo.mx.port,
            ca: exo.mx.ca,
            servername: exo.mx.servername,
            clientCertificate: env('RELAY_CERT'),
            clientKey: env('RELAY_KEY'),
          },
          allowRecipients: ['*@partner.test'],
        },
      },
    })
    const vars = { MAILWRIGHT_ENV: 'staging', RELAY_CERT: client.cert, RELAY_KEY: client.key }
    const staging = await resolveEnvironment(config, { env: vars })
    expect(staging.secrets.map((s) => s.name)).toEqual(['RELAY_KEY'])
    const transport = await environmentTransport(staging)
    await transport.send({ from: 'app@contoso.test', to: 'x@partner.test', subject: 'Relay', text: 'Hi' })
    expect(exo.submitted.at(-1)).toMatchObject({ via: 'connector', connector: 'App certificate' })
    await expect(
      transport.send({ from: 'app@contoso.test', to: 'customer@example.com', subject: 'No', text: 'No' }),
    ).rejects.toBeInstanceOf(RecipientNotAllowedError)
    const { RELAY_KEY: _, ...withoutKey } = vars
    await expect(resolveEnvironment(config, { env: withoutKey })).rejects.toThrow(
      /RELAY_KEY, which is not set/,
    )
    const certOnly = defineConfig({
      environments: {
        staging: {
          transport: { type: 'office365-relay', host: exo.mx.host, clientCertificate: env('RELAY_CERT') },
          allowRecipients: ['*@partner.test'],
        },
      },
    })
    // Checked by the type's own check when the config is read, before anything connects.
    await expect(resolveEnvironment(certOnly, { env: vars })).rejects.toThrow(
      /transport\.clientKey is missing, but a certificate connector needs both/,
    )
    await transport.close()
  })
})

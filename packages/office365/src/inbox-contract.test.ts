import { env, startWorkerContext } from '@mailwright/core'
import { registerPlugin } from '@mailwright/core/plugin'
import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { ImapFlow } from 'imapflow'
import nodemailer from 'nodemailer'
import {
  CONTRACT_PROFILE,
  CONTRACT_PROFILE_CONFIG,
  inboxContract,
} from '../../core/src/inbox-contract.test-util.js'
import { dovecot, PASSWORD, startDovecot, stopDovecot } from './dovecot.test-util.js'
import office365Plugin from './plugin.js'

// Both subjects are reached as a project reaches them: an environment of mailwright.config.ts, resolved by
// the worker context both runners use, through this package's plugin (which passes the sending profile on).
registerPlugin(office365Plugin)

// A real test mailbox read back through Microsoft Graph (the Office 365 emulator offline), against the
// contract every back end shares. Mail arrives as from the internet: through the tenant's MX endpoint, with
// STARTTLS, stamped by "Exchange" with the verdict it computes for the sending profile.
inboxContract('Graph inbox (Office 365 emulator)', async () => {
  const exo = await startOffice365Emulator({
    tenant: tenantModel({
      domain: 'contoso.test',
      mailboxes: { 'qa@contoso.test': { fullAccessApps: ['app1'] } },
      apps: { app1: { clientSecret: 'contract', roles: ['Mail.Read'], servicePrincipal: true } },
    }),
    stamp: CONTRACT_PROFILE,
  })
  const worker = await startWorkerContext({
    environment: 'staging',
    env: { O365_TENANT_ID: exo.tenant.tenantId, O365_CLIENT_ID: 'app1', O365_CLIENT_SECRET: 'contract' },
    config: {
      environments: {
        staging: {
          inbox: {
            type: 'graph',
            mailbox: 'qa@contoso.test',
            tenantId: env('O365_TENANT_ID'),
            clientId: env('O365_CLIENT_ID'),
            clientSecret: env('O365_CLIENT_SECRET'),
            graphUrl: exo.graphUrl,
            loginUrl: exo.loginUrl,
            pollMs: 50,
          },
          // For what Exchange's stamp leaves out (the DMARC policy).
          profile: CONTRACT_PROFILE_CONFIG,
        },
      },
    },
  })
  const provider = worker.inboxProvider
  const mx = nodemailer.createTransport({
    host: exo.mx.host,
    port: exo.mx.port,
    requireTLS: true,
    tls: { ca: exo.mx.ca, servername: exo.mx.servername },
  })
  return {
    provider,
    // Recipients outside the tenant (someone-else@example.org) are refused at RCPT (5.7.64); the rest arrive.
    send: async (message) => {
      await mx.sendMail(message)
    },
    stop: async () => {
      mx.close()
      await worker.close()
      await exo.stop()
    },
    routesBy: 'headers',
  }
})

// A real test mailbox read back over IMAP: Dovecot from Debian's packages, on loopback. Mail is put in the
// mailbox as a delivery agent would (IMAP APPEND of the raw message nodemailer builds, DKIM signature
// included); verdicts are computed from the raw message with the profile, as for unstamped mail.
inboxContract(
  'IMAP inbox (Dovecot)',
  async () => {
    const server = await startDovecot()
    const worker = await startWorkerContext({
      environment: 'mailbox',
      env: { IMAP_PASSWORD: PASSWORD },
      config: {
        environments: {
          mailbox: {
            inbox: {
              type: 'imap',
              host: '127.0.0.1',
              port: server.port,
              user: 'qa@contoso.test',
              password: env('IMAP_PASSWORD'),
              // The test Dovecot listens on loopback without TLS.
              allowPlaintextAuth: true,
            },
            profile: CONTRACT_PROFILE_CONFIG,
          },
        },
      },
    })
    const provider = worker.inboxProvider
    const deliverer = new ImapFlow({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      auth: { user: 'qa@contoso.test', pass: PASSWORD },
      logger: false,
    })
    await deliverer.connect()
    const composer = nodemailer.createTransport({ streamTransport: true, buffer: true })
    return {
      provider,
      send: async (message) => {
        const built = (await composer.sendMail(message)) as unknown as {
          message: Buffer
          envelope: { from: string }
        }
        // As a delivery agent writes it: the envelope sender on top (RFC 5321 4.4).
        await deliverer.append(
          'INBOX',
          Buffer.concat([Buffer.from(`Return-Path: <${built.envelope.from}>\r\n`), built.message]),
        )
      },
      stop: async () => {
        await deliverer.logout().catch(() => {})
        await worker.close()
        await stopDovecot(server)
      },
      routesBy: 'headers',
    }
  },
  { requires: dovecot },
)

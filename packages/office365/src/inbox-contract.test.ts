import { Secret } from '@mailwright/core'
import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { ImapFlow } from 'imapflow'
import nodemailer from 'nodemailer'
import { CONTRACT_PROFILE, inboxContract } from '../../core/src/inbox-contract.test-util.js'
import { dovecot, PASSWORD, startDovecot, stopDovecot } from './dovecot.test-util.js'
import { connectGraphInbox } from './graph-inbox.js'
import { connectImapInbox } from './imap-inbox.js'

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
  const provider = await connectGraphInbox({
    mailbox: 'qa@contoso.test',
    credentials: {
      tenantId: exo.tenant.tenantId,
      clientId: 'app1',
      clientSecret: new Secret('S', 'contract'),
      loginUrl: exo.loginUrl,
    },
    graphUrl: exo.graphUrl,
    pollMs: 50,
    // The environment's profile, as the office365 plugin passes it: for what Exchange's stamp leaves out
    // (the DMARC policy).
    profile: CONTRACT_PROFILE,
  })
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
      await provider.close?.()
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
    const provider = await connectImapInbox({
      host: '127.0.0.1',
      port: server.port,
      user: 'qa@contoso.test',
      password: new Secret('P', PASSWORD),
      // The test Dovecot listens on loopback without TLS.
      allowPlaintextAuth: true,
      profile: CONTRACT_PROFILE,
    })
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
        await provider.close()
        await stopDovecot(server)
      },
      routesBy: 'headers',
    }
  },
  { requires: dovecot },
)

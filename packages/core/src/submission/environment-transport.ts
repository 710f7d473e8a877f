import nodemailer from 'nodemailer'
import { ConfigError } from '../config/config-error.js'
import { loadOffice365 } from '../config/load-office365.js'
import type { ResolvedEnvironment } from '../config/resolve-environment.js'
import type { Secret } from '../config/secret.js'
import { guardedTransport } from './guarded-transport.js'
import { type MailTransport, type OutgoingEmail, recipientsOf, type SendResult } from './mail-transport.js'

/**
 * A transport into the capture inbox (the sandbox): plain SMTP on this machine, STARTTLS taken when
 * offered without checking the inbox's generated certificate.
 *
 * @example
 * const transport = sandboxTransport(server.smtp)
 */
export function sandboxTransport(smtp: { host: string; port: number }): MailTransport {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    pool: true,
    tls: { rejectUnauthorized: false },
  })
  return {
    description: `capture inbox ${smtp.host}:${smtp.port}`,
    async send(email: OutgoingEmail): Promise<SendResult> {
      const info = await transport.sendMail(email)
      return { response: info.response, messageId: info.messageId, recipients: recipientsOf(email) }
    },
    close: async () => transport.close(),
  }
}

/**
 * The transport an environment names: the capture inbox in the sandbox; Office 365 SMTP AUTH (from the
 * optional @mailwright/office365 package: SMTP AUTH, connector relay or Graph sendMail) guarded by the allowlist, the rate limit and retries elsewhere.
 *
 * @example
 * const transport = await environmentTransport(resolveEnvironment(await loadConfig()), { sandboxSmtp: provider.smtp })
 */
export async function environmentTransport(
  environment: ResolvedEnvironment,
  options: { sandboxSmtp?: { host: string; port: number } } = {},
): Promise<MailTransport> {
  const transport = environment.transport
  if (transport.type === 'inbox') {
    if (!options.sandboxSmtp) {
      throw new ConfigError(
        `environments.${environment.name}.transport`,
        'sends to the capture inbox, but no inbox server is running',
        'Start one (the runner fixtures do) and pass its SMTP address.',
      )
    }
    return sandboxTransport(options.sandboxSmtp)
  }
  const guard = {
    environment: environment.name,
    allowRecipients: environment.allowRecipients,
    secrets: environment.secrets,
  }
  if (transport.type === 'graph') {
    const g = transport as unknown as {
      mailbox: string
      tenantId: string
      clientId: string
      clientSecret: Secret
      graphUrl?: string
      loginUrl?: string
    }
    const office365 = await loadOffice365(`environments.${environment.name}.transport`)
    const inner = office365.graphSendMailTransport({
      mailbox: g.mailbox,
      credentials: {
        tenantId: g.tenantId,
        clientId: g.clientId,
        clientSecret: g.clientSecret,
        loginUrl: g.loginUrl,
      },
      graphUrl: g.graphUrl,
    })
    return guardedTransport(inner, guard)
  }
  if (transport.type === 'office365-relay') {
    const r = transport as unknown as {
      host: string
      port?: number
      clientCertificate?: string
      clientKey?: Secret
      ca?: string
      servername?: string
    }
    if ((r.clientCertificate === undefined) !== (r.clientKey === undefined)) {
      throw new ConfigError(
        `environments.${environment.name}.transport.${r.clientKey ? 'clientCertificate' : 'clientKey'}`,
        'is missing, but a certificate connector needs both the certificate and its key',
        "Give clientCertificate: env('RELAY_CERT') and clientKey: env('RELAY_KEY'), or neither for an IP connector.",
      )
    }
    const office365 = await loadOffice365(`environments.${environment.name}.transport`)
    const inner = office365.office365RelayTransport({
      host: r.host,
      port: r.port,
      ca: r.ca,
      servername: r.servername,
      ...(r.clientCertificate && r.clientKey
        ? { clientCertificate: { cert: r.clientCertificate, key: r.clientKey } }
        : {}),
    })
    return guardedTransport(inner, guard)
  }
  if (transport.type !== 'office365-smtp') {
    throw new ConfigError(
      `environments.${environment.name}.transport.type`,
      `is "${transport.type}", which mailTransport does not support yet`,
      'Use "office365-smtp", "office365-relay" or "graph" (or "inbox" for the sandbox).',
    )
  }
  const office365 = await loadOffice365(`environments.${environment.name}.transport`)
  const t = transport as unknown as {
    user: string
    auth: 'oauth2' | 'basic'
    host?: string
    port?: number
    tenantId?: string
    clientId?: string
    clientSecret?: Secret
    password?: Secret
    ca?: string
    servername?: string
    loginUrl?: string
  }
  const base = { user: t.user, host: t.host, port: t.port, ca: t.ca, servername: t.servername }
  const inner: MailTransport =
    t.auth === 'oauth2'
      ? office365.office365SmtpTransport({
          ...base,
          auth: 'oauth2',
          credentials: {
            tenantId: t.tenantId,
            clientId: t.clientId,
            clientSecret: t.clientSecret,
            loginUrl: t.loginUrl,
          },
        })
      : office365.office365SmtpTransport({ ...base, auth: 'basic', password: t.password })
  return guardedTransport(inner, guard)
}

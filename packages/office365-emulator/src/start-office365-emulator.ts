import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { InvalidArgumentError, type SendingProfile } from '@mailwright/core'
import { generateCertificate } from '@mailwright/core/internal'
import { createGraphEndpoint } from './graph-endpoint.js'
import { Mailboxes } from './mailboxes.js'
import { nonDeliveryReport, type UndeliveredRecipient } from './non-delivery-report.js'
import { createSubmissionListener, type SubmittedMessage } from './submission-listener.js'
import type { TenantModel } from './tenant-model.js'
import { createTokenEndpoint } from './token-endpoint.js'
import { type TokenClaims, TokenIssuer } from './token-issuer.js'

/** Options of {@link startOffice365Emulator}. */
export interface Office365EmulatorOptions {
  tenant: TenantModel
  /** Called for every accepted submission (e.g. to relay it into a capture inbox). */
  onMessage?(message: SubmittedMessage): void | Promise<void>
  /** Banner host name. Default `AM0PR01MB0001.eurprd01.prod.outlook.com`. */
  hostname?: string
  /**
   * Stamp delivered mail with Exchange-Online-style Authentication-Results computed for this sending
   * profile (as for mail arriving from outside); without it nothing is stamped (intra-tenant mail).
   */
  stamp?: SendingProfile
  /** Fixed ports on 127.0.0.1 (so a config file can name them); each defaults to 0, any free port. */
  ports?: { smtp?: number; mx?: number; login?: number; graph?: number }
}

/** A running emulator. */
export interface StartedOffice365Emulator extends AsyncDisposable {
  /** The submission endpoint (stands for smtp.office365.com:587), with its self-signed certificate. */
  readonly smtp: { host: string; port: number; ca: string }
  /** Base URL standing for https://login.microsoftonline.com (token and metadata endpoints). */
  readonly loginUrl: string
  /** Base URL standing for https://graph.microsoft.com. */
  readonly graphUrl: string
  readonly mailboxes: Mailboxes
  readonly tenant: TenantModel
  /**
   * The tenant's MX endpoint (stands for `<domain-with-dashes>.mail.protection.outlook.com:25`): relay
   * through inbound connectors and Direct send, with its own self-signed certificate and certificate name.
   */
  readonly mx: { host: string; port: number; ca: string; servername: string }
  /** Every accepted message (submission, relay and Direct send), in order. */
  readonly submitted: readonly SubmittedMessage[]
  /** SMTP connections accepted so far on either endpoint (to prove a refused send never connected). */
  readonly smtpConnections: number
  /** Graph requests answered 429 (MailboxConcurrency) so far. */
  readonly graphThrottled: number
  /** A token as Entra would issue it, for tests that bypass the token endpoint. */
  issueToken(claims: Omit<TokenClaims, 'iat' | 'exp'>): string
  stop(): Promise<void>
}

/**
 * Starts the offline Office 365 stand-in on 127.0.0.1: the client-submission listener and the token
 * endpoint, driven by a tenant model in which each documented failure can be switched on.
 *
 * @example
 * await using exo = await startOffice365Emulator({ tenant: tenantModel({ domain: 'contoso.test', … }) })
 * nodemailer.createTransport({ host: exo.smtp.host, port: exo.smtp.port, requireTLS: true, tls: { ca: exo.smtp.ca } })
 */
export async function startOffice365Emulator(
  options: Office365EmulatorOptions,
): Promise<StartedOffice365Emulator> {
  const hostname = options.hostname ?? 'AM0PR01MB0001.eurprd01.prod.outlook.com'
  const tls = generateCertificate('smtp.office365.com')
  const tokens = new TokenIssuer()
  const mailboxes = new Mailboxes(options.tenant, { hostname, stamp: options.stamp })
  const submitted: SubmittedMessage[] = []
  // One rolling 24-hour recipient count per mailbox, whether it sends over SMTP AUTH or through Graph.
  const recipientLog = new Map<string, Array<{ at: number; count: number }>>()
  // What Exchange does with a message a tenant mailbox submitted (SMTP AUTH or Graph) after its 250 or 202:
  // delivers what it can, and returns a non-delivery report for the rest to the reverse-path (RFC 5321
  // 4.5.5): the envelope sender, which with Send As is the shared mailbox, not the one that logged in.
  // `sender` is the mailbox that submitted (its send limit applies); `mailFrom` the envelope sender.
  const route = async (
    sender: string,
    mailFrom: string,
    raw: Buffer,
    rcptTo: string[],
    via: 'smtp' | 'graph' = 'smtp',
  ) => {
    const tenant = options.tenant
    const domain = tenant.domain.toLowerCase()
    const tooLarge = raw.length > (tenant.mailboxes[sender]?.maxSendSize ?? tenant.maxSendSize)
    // SMTP AUTH refuses an over-quota message at DATA (554 5.2.0, in the listener); Graph has already
    // answered 202, so over the quota its message comes back as a non-delivery report.
    const now = Date.now()
    const window = (recipientLog.get(sender) ?? []).filter((r) => now - r.at < 24 * 3600 * 1000)
    const overQuota =
      via === 'graph' && window.reduce((sum, r) => sum + r.count, 0) + rcptTo.length > tenant.recipientQuota
    if (via === 'graph' && !overQuota)
      recipientLog.set(sender, [...window, { at: now, count: rcptTo.length }])
    const failed: UndeliveredRecipient[] = []
    for (const recipient of rcptTo) {
      const inTenant = recipient.split('@')[1]?.toLowerCase() === domain
      if (overQuota)
        failed.push({
          recipient,
          reply:
            '550 5.2.2 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Submission quota exceeded',
        })
      else if (tooLarge)
        failed.push({
          recipient,
          reply: '550 5.2.3 RESOLVER.RST.SendSizeLimit.Sender; message too large for this sender',
        })
      else if (inTenant && !mailboxes.mailboxFor(recipient))
        failed.push({
          recipient,
          reply: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
        })
      else if (!inTenant && tenant.outboundBlocked)
        failed.push({
          recipient,
          reply: '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP',
        })
    }
    const deliverable = rcptTo.filter((r) => !failed.some((f) => f.recipient === r))
    if (deliverable.length > 0) await mailboxes.deliver(raw, { mailFrom, rcptTo: deliverable })
    // A reverse-path outside the tenant gets its report from the internet, which is not emulated.
    if (failed.length > 0 && mailboxes.mailboxFor(mailFrom)) {
      const ndr = nonDeliveryReport({
        hostname,
        domain: tenant.domain,
        sender: mailFrom,
        original: raw,
        failed,
      })
      await mailboxes.deliver(ndr, { mailFrom: '', rcptTo: [mailFrom] }, { internal: true })
    }
  }
  const smtpServer = createSubmissionListener({
    tenant: options.tenant,
    tokens,
    tls,
    hostname,
    recipientLog,
    onMessage: async (message) => {
      submitted.push(message)
      await route(message.authenticatedAs as string, message.mailFrom, message.raw, message.rcptTo)
      // Exchange keeps a copy of what a mailbox submits over SMTP AUTH in its Sent Items.
      if (message.authenticatedAs) mailboxes.saveSent(message.authenticatedAs, message.raw)
      await options.onMessage?.(message)
    },
  })
  const mxName = `${options.tenant.domain.replace(/\./g, '-')}.mail.protection.outlook.com`
  const mxTls = generateCertificate(mxName)
  const mxServer = createSubmissionListener({
    tenant: options.tenant,
    tokens,
    tls: mxTls,
    hostname: 'AM0PEPF00000001.mail.protection.outlook.com',
    mode: 'mx',
    onMessage: async (message) => {
      submitted.push(message)
      await mailboxes.deliver(message.raw, message, { from: 'internet' })
      await options.onMessage?.(message)
    },
  })
  const tokenServer = createTokenEndpoint(options.tenant, tokens)
  const sockets = new Set<import('node:net').Socket>()
  let connections = 0
  for (const server of [smtpServer, mxServer]) {
    server.on('connection', (socket) => {
      connections += 1
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
  }
  // Graph sendMail goes through the same delivery as SMTP submission.
  const graphStats = { throttled: 0 }
  const graphServer = createGraphEndpoint(
    options.tenant,
    tokens,
    mailboxes,
    (mailbox, raw, rcptTo, from) => route(mailbox, from, raw, rcptTo, 'graph'),
    graphStats,
  )
  const ports = options.ports ?? {}
  const servers = [smtpServer, mxServer, tokenServer, graphServer]
  // A taken fixed port must not leave the other listeners open.
  const settled = await Promise.allSettled([
    listen(smtpServer, ports.smtp, 'smtp'),
    listen(mxServer, ports.mx, 'mx'),
    listen(tokenServer, ports.login, 'login'),
    listen(graphServer, ports.graph, 'graph'),
  ])
  const failed = settled.find((r) => r.status === 'rejected')
  if (failed) {
    await Promise.all(servers.map((server) => (server.listening ? close(server) : undefined)))
    throw failed.reason
  }
  const listening = settled.map((r) => (r as PromiseFulfilledResult<number>).value)
  const [smtpPort = 0, mxPort = 0] = listening
  const loginUrl = `http://127.0.0.1:${listening[2]}`
  const graphUrl = `http://127.0.0.1:${listening[3]}`
  let stopped: Promise<void> | undefined
  const stop = () => {
    // Open sessions must not keep stop() waiting.
    for (const socket of sockets) socket.destroy()
    stopped ??= Promise.all([
      close(smtpServer),
      close(mxServer),
      close(tokenServer),
      close(graphServer),
    ]).then(() => undefined)
    return stopped
  }
  return {
    smtp: { host: '127.0.0.1', port: smtpPort, ca: tls.cert },
    mx: { host: '127.0.0.1', port: mxPort, ca: mxTls.cert, servername: mxName },
    loginUrl,
    graphUrl,
    mailboxes,
    tenant: options.tenant,
    submitted,
    get smtpConnections() {
      return connections
    },
    get graphThrottled() {
      return graphStats.throttled
    },
    issueToken: (claims) => tokens.issue(claims),
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

function listen(server: Server | import('node:net').Server, port = 0, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? `port ${port} is already in use; stop the other server or choose another port (0 picks a free one)`
          : error.message
      reject(new InvalidArgumentError(`ports.${what}`, port, `a free port on 127.0.0.1 (${hint})`))
    })
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function close(server: Server | import('node:net').Server): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

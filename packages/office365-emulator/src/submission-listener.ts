import { randomBytes, randomUUID, X509Certificate } from 'node:crypto'
import { createServer, type Server, type Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import { smtpAuthDisabledFor, type TenantModel, tenantMailboxFor } from './tenant-model.js'
import type { TokenIssuer } from './token-issuer.js'

/** A message the emulated Office 365 accepted for delivery. */
export interface SubmittedMessage {
  id: string
  /** The mailbox that authenticated (client submission only). */
  authenticatedAs?: string
  /** Client submission (587), relay attributed by an inbound connector, or anonymous Direct send (MX:25). */
  via: 'submission' | 'connector' | 'direct-send'
  /** The inbound connector that attributed a relayed message. */
  connector?: string
  mailFrom: string
  rcptTo: string[]
  raw: Buffer
}

export interface SubmissionListenerOptions {
  tenant: TenantModel
  tokens: TokenIssuer
  tls: { key: string; cert: string }
  /** The host name in the banner and replies, e.g. `AM0PR01MB1234.eurprd01.prod.outlook.com`. */
  hostname: string
  onMessage(message: SubmittedMessage): void | Promise<void>
  /** `mx` plays the tenant's MX endpoint (port 25): no AUTH, connectors, Direct send and DBEB rules. */
  mode?: 'submission' | 'mx'
}

const EXO_AUDIENCE = 'https://outlook.office365.com'

/**
 * Exchange Online's client-submission endpoint (smtp.office365.com:587) as documented and as published
 * transcripts show it: the banner and EHLO list; no AUTH before STARTTLS, `AUTH LOGIN XOAUTH2` after it;
 * PLAIN refused; XOAUTH2 decoded exactly, initial response or two-step; `530 5.7.57` for MAIL without AUTH
 * carrying the earlier 535; Send As, throttling, quotas and limits from the tenant model.
 */
export function createSubmissionListener(options: SubmissionListenerOptions): Server {
  const sessions = new Map<string, number>()
  const sent = new Map<string, number[]>()
  const recipients = new Map<string, Array<{ at: number; count: number }>>()
  const server = createServer((socket) => {
    new Session(socket, options, { sessions, sent, recipients }).start()
  })
  return server
}

interface Shared {
  sessions: Map<string, number>
  sent: Map<string, number[]>
  recipients: Map<string, Array<{ at: number; count: number }>>
}

class Session {
  #socket: Socket
  #buffer = Buffer.alloc(0)
  #tls = false
  #greeted = false
  #user: string | undefined
  #lastAuthError: string | undefined
  #mailFrom: string | undefined
  #rcptTo: string[] = []
  #pending: ((line: string) => void) | undefined
  #data: Buffer[] | undefined
  #closed = false
  #connector: string | undefined
  readonly #options: SubmissionListenerOptions
  readonly #shared: Shared
  readonly #mx: boolean

  constructor(socket: Socket, options: SubmissionListenerOptions, shared: Shared) {
    this.#socket = socket
    this.#options = options
    this.#shared = shared
    this.#mx = options.mode === 'mx'
  }

  start(): void {
    this.#listen(this.#socket)
    const sessionId = randomBytes(8).toString('hex').toUpperCase()
    this.#reply(
      `220 ${this.#options.hostname} Microsoft ESMTP MAIL Service ready at ${new Date().toUTCString().replace('GMT', '+0000')} [${sessionId}]`,
    )
  }

  #listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', () => {})
    socket.on('close', () => this.#close())
  }

  #close(): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#user)
      this.#shared.sessions.set(this.#user, Math.max(0, (this.#shared.sessions.get(this.#user) ?? 1) - 1))
  }

  #reply(line: string): void {
    if (!this.#socket.destroyed) this.#socket.write(`${line}\r\n`)
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    for (;;) {
      if (this.#data) {
        const end = this.#buffer.indexOf('\r\n.\r\n')
        const atStart = this.#data.length === 0 && this.#buffer.subarray(0, 3).toString() === '.\r\n'
        if (end === -1 && !atStart) return
        const body = atStart ? Buffer.alloc(0) : this.#buffer.subarray(0, end + 2)
        this.#buffer = this.#buffer.subarray(atStart ? 3 : end + 5)
        this.#data = undefined
        void this.#endOfData(Buffer.from(body.toString('latin1').replace(/^\.\./gm, '.'), 'latin1'))
        continue
      }
      const newline = this.#buffer.indexOf('\r\n')
      if (newline === -1) return
      const line = this.#buffer.subarray(0, newline).toString('utf8')
      this.#buffer = this.#buffer.subarray(newline + 2)
      if (this.#pending) {
        const pending = this.#pending
        this.#pending = undefined
        pending(line)
      } else this.#command(line)
      if (this.#socket.destroyed) return
    }
  }

  #command(line: string) {
    const [verb = '', ...rest] = line.split(' ')
    const argument = rest.join(' ')
    switch (verb.toUpperCase()) {
      case 'EHLO':
        return this.#ehlo()
      case 'HELO':
        this.#greeted = true
        return this.#reply(
          `250 ${this.#options.hostname} Hello [${this.#socket.remoteAddress ?? '127.0.0.1'}]`,
        )
      case 'STARTTLS':
        return this.#starttls()
      case 'AUTH':
        return this.#auth(argument)
      case 'MAIL':
        return this.#mail(argument)
      case 'RCPT':
        return this.#rcpt(argument)
      case 'DATA':
        return this.#dataCommand()
      case 'RSET':
        this.#mailFrom = undefined
        this.#rcptTo = []
        return this.#reply('250 2.0.0 Resetting')
      case 'NOOP':
        return this.#reply('250 2.0.0 OK')
      case 'QUIT':
        this.#reply('221 2.0.0 Service closing transmission channel')
        this.#socket.end()
        return
      default:
        return this.#reply('500 5.3.3 Unrecognized command')
    }
  }

  #ehlo() {
    this.#greeted = true
    const host = this.#options.hostname
    const lines = [
      `${host} Hello [${this.#socket.remoteAddress ?? '127.0.0.1'}]`,
      `SIZE ${this.#options.tenant.maxSize}`,
      'PIPELINING',
      'DSN',
      'ENHANCEDSTATUSCODES',
      // The MX endpoint never offers AUTH (as published EHLO transcripts of *.mail.protection.outlook.com show).
      ...(this.#tls ? (this.#mx ? [] : ['AUTH LOGIN XOAUTH2']) : ['STARTTLS']),
      '8BITMIME',
      'BINARYMIME',
      'CHUNKING',
      'SMTPUTF8',
    ]
    this.#reply(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n'))
  }

  #starttls() {
    if (this.#tls) return this.#reply('503 5.5.2 Only one STARTTLS command can be issued per session')
    this.#reply('220 2.0.0 SMTP server ready')
    const plain = this.#socket
    plain.removeAllListeners('data')
    const secure = new TLSSocket(plain, {
      isServer: true,
      key: this.#options.tls.key,
      cert: this.#options.tls.cert,
      // Exchange Online refuses TLS 1.0/1.1 (421 4.7.66); the handshake fails for such clients.
      minVersion: 'TLSv1.2',
      // Certificate connectors identify the sender by the certificate it presents; a bad one is not a
      // handshake failure but a relay that is not attributed (5.7.64).
      ...(this.#mx
        ? {
            requestCert: true,
            rejectUnauthorized: false,
            ...(this.#options.tenant.trustedCa.length > 0 ? { ca: this.#options.tenant.trustedCa } : {}),
          }
        : {}),
    })
    this.#socket = secure
    this.#tls = true
    this.#greeted = false
    this.#buffer = Buffer.alloc(0)
    this.#listen(secure)
  }

  #auth(argument: string) {
    const [mechanism = '', initial] = argument.split(' ')
    if (!this.#greeted) return this.#reply('503 5.5.2 Send hello first')
    if (this.#user) return this.#reply('503 5.5.2 Auth command already specified')
    if (this.#mx || !this.#tls || !['LOGIN', 'XOAUTH2'].includes(mechanism.toUpperCase())) {
      return this.#reply(`504 5.7.4 Unrecognized authentication type [${this.#options.hostname}]`)
    }
    if (mechanism.toUpperCase() === 'XOAUTH2') {
      if (initial) return this.#xoauth2(initial)
      this.#reply('334 ')
      this.#pending = (line) => this.#xoauth2(line)
      return
    }
    this.#reply('334 VXNlcm5hbWU6')
    this.#pending = (userLine) => {
      this.#reply('334 UGFzc3dvcmQ6')
      this.#pending = (passLine) =>
        this.#basic(Buffer.from(userLine, 'base64').toString(), Buffer.from(passLine, 'base64').toString())
    }
  }

  #xoauth2(encoded: string) {
    if (encoded === '*') return this.#reply('501 5.5.4 Authentication cancelled')
    const decoded = Buffer.from(encoded, 'base64').toString()
    // The exact XOAUTH2 form: user=<name> ^A auth=Bearer <token> ^A ^A (MS-OAUTH).
    const fields = decoded.split('\u0001')
    const user = fields[0]?.startsWith('user=') ? fields[0].slice(5).toLowerCase() : ''
    const bearer = fields[1]?.startsWith('auth=Bearer ') ? fields[1].slice(12) : ''
    if (fields.length !== 4 || fields[2] !== '' || fields[3] !== '' || !user || !bearer)
      return this.#reply('501 5.5.4 Invalid arguments')
    const tenant = this.#options.tenant
    const mailbox = tenant.mailboxes[user]
    const disabled = smtpAuthDisabledFor(tenant, mailbox)
    if (disabled) return this.#failAuth(this.#disabledReply(disabled))
    const claims = this.#options.tokens.verify(bearer)
    const app = claims ? tenant.apps[claims.appid] : undefined
    const ok =
      claims !== undefined &&
      claims.aud === EXO_AUDIENCE &&
      claims.tid === tenant.tenantId &&
      claims.roles.includes('SMTP.SendAsApp') &&
      app?.servicePrincipal === true &&
      mailbox !== undefined &&
      (mailbox.fullAccessApps ?? []).includes(claims.appid)
    if (!ok) return this.#failAuth(`535 5.7.3 Authentication unsuccessful [${this.#options.hostname}]`)
    this.#succeed(user)
  }

  #basic(userName: string, password: string) {
    const user = userName.toLowerCase()
    const tenant = this.#options.tenant
    const mailbox = tenant.mailboxes[user]
    const disabled = smtpAuthDisabledFor(tenant, mailbox)
    if (disabled) return this.#failAuth(this.#disabledReply(disabled))
    const host = this.#options.hostname
    switch (tenant.basicAuth) {
      case 'retired':
        return this.#failAuth('550 5.7.30 Basic authentication is not supported for Client Submission.')
      case 'disabled':
        return this.#failAuth(
          `535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [${host}]`,
        )
      case 'security-defaults':
        return this.#failAuth(
          "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator.",
        )
      case 'conditional-access':
        return this.#failAuth(
          '535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.',
        )
    }
    if (!mailbox?.password || mailbox.password !== password) {
      return this.#failAuth(
        `535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [${host}]`,
      )
    }
    this.#succeed(user)
  }

  #disabledReply(level: 'tenant' | 'mailbox'): string {
    const what = level === 'tenant' ? 'the Tenant' : 'the Mailbox'
    return `535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for ${what}. Visit https://aka.ms/smtp_auth_disabled for more information. [${this.#options.hostname}]`
  }

  #failAuth(reply: string): void {
    this.#lastAuthError = reply
    this.#reply(reply)
  }

  #succeed(user: string): void {
    const open = (this.#shared.sessions.get(user) ?? 0) + 1
    if (open > this.#options.tenant.maxConnections) {
      this.#reply('432 4.3.2 Concurrent connections limit exceeded.')
      this.#socket.end()
      return
    }
    this.#shared.sessions.set(user, open)
    this.#user = user
    this.#reply('235 2.7.0 Authentication successful')
  }

  #mail(argument: string) {
    if (!this.#greeted) return this.#reply('503 5.5.2 Send hello first')
    if (!this.#mx && !this.#user) {
      const earlier = this.#lastAuthError ? ` Error: ${this.#lastAuthError}` : ''
      return this.#reply(
        `530 5.7.57 Client not authenticated to send mail. [${this.#options.hostname}]${earlier}`,
      )
    }
    const from = this.#parseMailFrom(argument)
    if (from === undefined) return
    if (this.#mx) this.#connector = this.#matchingConnector()
    else if (this.#options.tenant.sendAsCheck === 'mail-from' && !this.#maySendAs(from)) {
      return this.#reply('550 5.7.60 SMTP; Client does not have permissions to send as this sender')
    }
    this.#mailFrom = from
    this.#reply('250 2.1.0 Sender OK')
  }

  /** The MAIL FROM address, lower-cased; or undefined after replying with the refusal. */
  #parseMailFrom(argument: string): string | undefined {
    if (this.#mailFrom !== undefined) return void this.#reply('503 5.5.2 Sender already specified')
    const match = /^FROM:\s*<([^>]*)>(.*)$/i.exec(argument)
    if (!match) return void this.#reply('501 5.5.4 Invalid arguments')
    const size = /\bSIZE=(\d+)/i.exec(match[2] as string)?.[1]
    if (size && Number(size) > this.#options.tenant.maxSize)
      return void this.#reply('552 5.3.4 Message size exceeds fixed maximum message size')
    return (match[1] as string).toLowerCase()
  }

  #maySendAs(address: string): boolean {
    const user = this.#user as string
    return (
      address === user ||
      (this.#options.tenant.mailboxes[user]?.sendAs ?? []).map((a) => a.toLowerCase()).includes(address)
    )
  }

  /** The inbound connector this session matches: by sending IP, or by a verified certificate's name. */
  #matchingConnector(): string | undefined {
    const ip = (this.#socket.remoteAddress ?? '').replace(/^::ffff:/, '')
    const certificate = this.#trustedPeerCertificate()
    const names = certificate
      ? [
          certificate.subject?.CN,
          ...(certificate.subjectaltname ?? '').split(/,\s*/).map((n) => n.replace(/^DNS:/, '')),
        ].filter((n): n is string => typeof n === 'string' && n.length > 0)
      : []
    for (const connector of this.#options.tenant.connectors) {
      if (connector.senderIps?.includes(ip)) return connector.name
      const domain = connector.certificateDomain?.toLowerCase()
      if (domain && names.some((n) => n.toLowerCase() === domain || n.toLowerCase() === `*.${domain}`))
        return connector.name
    }
    return undefined
  }

  /**
   * The client certificate when one of the trusted CAs issued and signed it and it is in date. Checked here
   * because a TLSSocket made outside tls.Server never sets `authorized`.
   */
  #trustedPeerCertificate(): import('node:tls').PeerCertificate | undefined {
    if (!(this.#socket instanceof TLSSocket)) return undefined
    const peer = this.#socket.getPeerX509Certificate()
    if (!peer) return undefined
    const now = Date.now()
    if (now < Date.parse(peer.validFrom) || now > Date.parse(peer.validTo)) return undefined
    const trusted = this.#options.tenant.trustedCa.some((pem) => {
      const ca = new X509Certificate(pem)
      return peer.checkIssued(ca) && peer.verify(ca.publicKey)
    })
    return trusted ? this.#socket.getPeerCertificate() : undefined
  }

  /** MX-endpoint recipient rules: relay needs a connector; Direct send reaches only the tenant's mailboxes. */
  #mxRcpt(address: string): string | undefined {
    const tenant = this.#options.tenant
    const host = this.#options.hostname
    const domain = address.split('@')[1]?.toLowerCase()
    const fromDomain = this.#mailFrom?.split('@')[1]?.toLowerCase()
    if (domain !== tenant.domain.toLowerCase()) {
      return this.#connector ? undefined : `550 5.7.64 TenantAttribution; Relay Access Denied [${host}]`
    }
    if (!this.#connector && tenant.rejectDirectSend && fromDomain === tenant.domain.toLowerCase()) {
      return '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources'
    }
    if (!tenantMailboxFor(tenant, address)) {
      return `550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [${host}]`
    }
    return undefined
  }

  #rcpt(argument: string) {
    if (this.#mailFrom === undefined) return this.#reply('503 5.5.2 Need mail command')
    const match = /^TO:\s*<([^>]+)>/i.exec(argument)
    if (!match) return this.#reply('501 5.5.4 Invalid arguments')
    if (this.#rcptTo.length >= this.#options.tenant.maxRecipients)
      return this.#reply('452 4.5.3 Too many recipients')
    if (this.#mx) {
      const refusal = this.#mxRcpt(match[1] as string)
      if (refusal) return this.#reply(refusal)
    }
    this.#rcptTo.push(match[1] as string)
    this.#reply('250 2.1.5 Recipient OK')
  }

  #dataCommand() {
    if (this.#rcptTo.length === 0) return this.#reply('503 5.5.2 Need rcpt command')
    this.#reply('354 Start mail input; end with <CRLF>.<CRLF>')
    this.#data = []
  }

  async #endOfData(raw: Buffer) {
    if (this.#mx) return this.#mxEndOfData(raw)
    const tenant = this.#options.tenant
    const user = this.#user as string
    const from = this.#mailFrom as string
    const rcptTo = this.#rcptTo
    this.#mailFrom = undefined
    this.#rcptTo = []
    if (raw.length > tenant.maxSize)
      return this.#reply('552 5.3.4 Message size exceeds fixed maximum message size')
    const headerFrom = /^From:.*?<?([^<>\s]+@[^<>\s]+)>?\s*$/im
      .exec(raw.toString('latin1').split(/\r\n\r\n/)[0] ?? '')?.[1]
      ?.toLowerCase()
    if (
      tenant.sendAsCheck === 'after-data' &&
      (!this.#maySendAs(from) || (headerFrom && !this.#maySendAs(headerFrom)))
    ) {
      const as = headerFrom && !this.#maySendAs(headerFrom) ? headerFrom : from
      return this.#reply(
        `554 5.2.252 SendAsDenied; ${user} not allowed to send as ${as}; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message.`,
      )
    }
    const now = Date.now()
    const window = (this.#shared.recipients.get(user) ?? []).filter((r) => now - r.at < 24 * 3600 * 1000)
    if (window.reduce((sum, r) => sum + r.count, 0) + rcptTo.length > tenant.recipientQuota) {
      return this.#reply('554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException')
    }
    const minute = (this.#shared.sent.get(user) ?? []).filter((t) => now - t < 60_000)
    if (minute.length >= tenant.ratePerMinute) {
      if (tenant.rateMode === 'reject') {
        return this.#reply(
          `451 4.7.500 Server busy. Please try again later from [${this.#socket.remoteAddress ?? '127.0.0.1'}]. (AS761)`,
        )
      }
      // Documented: "Any excess in message submissions is throttled and successively carried over".
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 60_000 - (now - (minute[0] as number)))))
    }
    minute.push(Date.now())
    this.#shared.sent.set(user, minute)
    window.push({ at: now, count: rcptTo.length })
    this.#shared.recipients.set(user, window)
    const id = `${randomUUID().toUpperCase()}@${this.#options.hostname}`
    await this.#options.onMessage({
      id,
      authenticatedAs: user,
      via: 'submission',
      mailFrom: from,
      rcptTo,
      raw,
    })
    this.#reply(`250 2.0.0 OK <${id}> [Hostname=${this.#options.hostname}]`)
  }

  async #mxEndOfData(raw: Buffer) {
    const from = this.#mailFrom as string
    const rcptTo = this.#rcptTo
    this.#mailFrom = undefined
    this.#rcptTo = []
    const tenant = this.#options.tenant
    if (raw.length > tenant.maxSize)
      return this.#reply('552 5.3.4 Message size exceeds fixed maximum message size')
    const ip = (this.#socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '')
    const now = Date.now()
    const minute = (this.#shared.sent.get(`mx:${ip}`) ?? []).filter((t) => now - t < 60_000)
    if (minute.length >= tenant.mxRatePerMinute) {
      return this.#reply(`451 4.7.500 Server busy. Please try again later from [${ip}]. (AS761)`)
    }
    minute.push(now)
    this.#shared.sent.set(`mx:${ip}`, minute)
    const id = `${randomUUID().toUpperCase()}@${this.#options.hostname}`
    const connector = this.#connector
    await this.#options.onMessage({
      id,
      via: connector ? 'connector' : 'direct-send',
      ...(connector ? { connector } : {}),
      mailFrom: from,
      rcptTo,
      raw,
    })
    // No MX transcript of the final reply is sourced; the submission endpoint's documented form is used.
    this.#reply(`250 2.0.0 OK <${id}> [Hostname=${this.#options.hostname}]`)
  }
}

import { randomBytes, randomUUID, X509Certificate } from 'node:crypto'
import { createServer, type Server, type Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import {
  authCommandRefusal,
  basicAuthRefusal,
  concurrentSendersRefusal,
  type Endpoint,
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
import type { TenantModel } from './tenant-model.js'
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
  /**
   * Recipients each mailbox sent to, for the rolling 24-hour quota: pass one map to share the quota with
   * another way of sending (Graph `sendMail`). Default: this listener's own.
   */
  recipientLog?: Map<string, Array<{ at: number; count: number }>>
}

/**
 * Exchange Online's client-submission endpoint (smtp.office365.com:587), or the tenant's MX endpoint, on the
 * wire: the banner, line framing, pipelining, STARTTLS, the two-step AUTH exchanges and DATA. What it answers
 * — the EHLO list, every refusal, Send As, throttling, quotas, connectors — is decided by the pure functions
 * of submission-policy.ts.
 */
export function createSubmissionListener(options: SubmissionListenerOptions): Server {
  const sending = new Map<string, number>()
  const sent = new Map<string, number[]>()
  const recipients = options.recipientLog ?? new Map<string, Array<{ at: number; count: number }>>()
  const server = createServer((socket) => {
    new Session(socket, options, { sending, sent, recipients }).start()
  })
  return server
}

interface Shared {
  /** Connections of each mailbox in a transaction. */
  sending: Map<string, number>
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
  /** In a transaction (MAIL FROM accepted, DATA not yet answered): counted against the mailbox's limit. */
  #sending = false
  /** The client negotiated TLS 1.0 or 1.1: its next command gets 421 4.7.66 and the connection ends. */
  #legacyTls = false
  /**
   * The end of a message is being handled: commands pipelined behind it wait, so a MAIL FROM is never
   * taken (and counted) before the message before it is answered.
   */
  #finishing = false
  #connector: string | undefined
  readonly #options: SubmissionListenerOptions
  readonly #shared: Shared
  readonly #endpoint: Endpoint

  constructor(socket: Socket, options: SubmissionListenerOptions, shared: Shared) {
    this.#socket = socket
    this.#options = options
    this.#shared = shared
    this.#endpoint = options.mode ?? 'submission'
  }

  get #remote(): string {
    return this.#socket.remoteAddress ?? '127.0.0.1'
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
    this.#endTransaction()
  }

  #endTransaction(): void {
    this.#mailFrom = undefined
    this.#rcptTo = []
    if (!this.#sending || !this.#user) return
    this.#sending = false
    this.#shared.sending.set(this.#user, Math.max(0, (this.#shared.sending.get(this.#user) ?? 1) - 1))
  }

  #reply(line: string): void {
    if (!this.#socket.destroyed) this.#socket.write(`${line}\r\n`)
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    for (;;) {
      if (this.#finishing) return
      if (this.#data) {
        const end = this.#buffer.indexOf('\r\n.\r\n')
        const atStart = this.#data.length === 0 && this.#buffer.subarray(0, 3).toString() === '.\r\n'
        if (end === -1 && !atStart) return
        const body = atStart ? Buffer.alloc(0) : this.#buffer.subarray(0, end + 2)
        this.#buffer = this.#buffer.subarray(atStart ? 3 : end + 5)
        this.#data = undefined
        this.#finishing = true
        void this.#endOfData(Buffer.from(body.toString('latin1').replace(/^\.\./gm, '.'), 'latin1')).finally(
          () => {
            this.#finishing = false
            // What arrived meanwhile.
            if (!this.#socket.destroyed) this.#onData(Buffer.alloc(0))
          },
        )
        return
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
    if (this.#legacyTls) {
      this.#reply(
        `421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls. [${this.#options.hostname}]`,
      )
      this.#socket.end()
      return
    }
    const [verb = '', ...rest] = line.split(' ')
    const argument = rest.join(' ')
    switch (verb.toUpperCase()) {
      case 'EHLO':
        return this.#ehlo()
      case 'HELO':
        this.#greeted = true
        return this.#reply(`250 ${this.#options.hostname} Hello [${this.#remote}]`)
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
        this.#endTransaction()
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
    const lines = ehloLines({
      hostname: this.#options.hostname,
      remote: this.#remote,
      maxSize: this.#options.tenant.maxSize,
      tls: this.#tls,
      endpoint: this.#endpoint,
    })
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
      // On the submission endpoint a TLS 1.0/1.1 client completes its handshake and is then refused with
      // 421 4.7.66, as Exchange Online answers SMTP AUTH clients (https://aka.ms/smtp_auth_tls); OpenSSL
      // allows those versions only at level 0. The MX endpoint takes TLS 1.2 or later.
      ...(this.#endpoint === 'submission'
        ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' }
        : { minVersion: 'TLSv1.2' as const }),
      // Certificate connectors identify the sender by the certificate it presents; a bad one is not a
      // handshake failure but a relay that is not attributed (5.7.64).
      ...(this.#endpoint === 'mx'
        ? {
            requestCert: true,
            rejectUnauthorized: false,
            ...(this.#options.tenant.trustedCa.length > 0 ? { ca: this.#options.tenant.trustedCa } : {}),
          }
        : {}),
    })
    secure.once('secure', () => {
      const protocol = secure.getProtocol()
      this.#legacyTls = protocol === 'TLSv1' || protocol === 'TLSv1.1'
    })
    this.#socket = secure
    this.#tls = true
    this.#greeted = false
    this.#buffer = Buffer.alloc(0)
    this.#listen(secure)
  }

  #auth(argument: string) {
    const [mechanism = '', initial] = argument.split(' ')
    const refusal = authCommandRefusal({
      greeted: this.#greeted,
      authenticated: this.#user !== undefined,
      endpoint: this.#endpoint,
      tls: this.#tls,
      mechanism,
      hostname: this.#options.hostname,
    })
    if (refusal) return this.#reply(refusal)
    if (mechanism.toUpperCase() === 'XOAUTH2') {
      if (initial) return this.#xoauth2(initial)
      this.#reply('334 ')
      this.#pending = (line) => this.#xoauth2(line)
      return
    }
    this.#reply('334 VXNlcm5hbWU6')
    this.#pending = (userLine) => {
      this.#reply('334 UGFzc3dvcmQ6')
      this.#pending = (passLine) => {
        const user = Buffer.from(userLine, 'base64').toString().toLowerCase()
        const password = Buffer.from(passLine, 'base64').toString()
        this.#authenticated(
          user,
          basicAuthRefusal(this.#options.tenant, user, password, this.#options.hostname),
        )
      }
    }
  }

  #xoauth2(encoded: string) {
    if (encoded === '*') return this.#reply('501 5.5.4 Authentication cancelled')
    const parsed = parseXoauth2(encoded)
    if (!parsed) return this.#reply('501 5.5.4 Invalid arguments')
    const claims = this.#options.tokens.verify(parsed.bearer)
    this.#authenticated(
      parsed.user,
      xoauth2Refusal(this.#options.tenant, parsed.user, claims, this.#options.hostname),
    )
  }

  #authenticated(user: string, refusal: string | undefined): void {
    if (refusal) {
      // Remembered: a later MAIL without AUTH quotes it in its 530.
      this.#lastAuthError = refusal
      this.#reply(refusal)
      return
    }
    this.#user = user
    this.#reply('235 2.7.0 Authentication successful')
  }

  #mail(argument: string) {
    const refusal = mailCommandRefusal({
      greeted: this.#greeted,
      endpoint: this.#endpoint,
      authenticated: this.#user !== undefined,
      lastAuthError: this.#lastAuthError,
      hostname: this.#options.hostname,
    })
    if (refusal) return this.#reply(refusal)
    const parsed = parseMailFrom(argument, {
      maxSize: this.#options.tenant.maxSize,
      alreadyGiven: this.#mailFrom !== undefined,
    })
    if ('reply' in parsed) return this.#reply(parsed.reply)
    if (this.#endpoint === 'mx') {
      this.#connector = matchingConnector(
        this.#options.tenant,
        this.#remote.replace(/^::ffff:/, ''),
        this.#certificateNames(),
      )
    } else {
      const sendAs = sendAsAtMailRefusal(this.#options.tenant, this.#user as string, parsed.address)
      if (sendAs) return this.#reply(sendAs)
      const user = this.#user as string
      const sending = (this.#shared.sending.get(user) ?? 0) + 1
      const tooMany = concurrentSendersRefusal(sending, this.#options.tenant)
      if (tooMany) return this.#reply(tooMany)
      this.#shared.sending.set(user, sending)
      this.#sending = true
    }
    this.#mailFrom = parsed.address
    this.#reply('250 2.1.0 Sender OK')
  }

  /** The names on the client's certificate, when a CA the tenant trusts issued it. */
  #certificateNames(): string[] {
    const certificate = this.#trustedPeerCertificate()
    if (!certificate) return []
    return [
      certificate.subject?.CN,
      ...(certificate.subjectaltname ?? '').split(/,\s*/).map((n) => n.replace(/^DNS:/, '')),
    ].filter((n): n is string => typeof n === 'string' && n.length > 0)
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

  #rcpt(argument: string) {
    const parsed = rcptCommand(argument, {
      mailGiven: this.#mailFrom !== undefined,
      recipients: this.#rcptTo.length,
      maxRecipients: this.#options.tenant.maxRecipients,
    })
    if ('reply' in parsed) return this.#reply(parsed.reply)
    if (this.#endpoint === 'mx') {
      const refusal = mxRecipientRefusal(this.#options.tenant, {
        address: parsed.address,
        mailFrom: this.#mailFrom,
        connector: this.#connector,
        hostname: this.#options.hostname,
      })
      if (refusal) return this.#reply(refusal)
    }
    this.#rcptTo.push(parsed.address)
    this.#reply('250 2.1.5 Recipient OK')
  }

  #dataCommand() {
    if (this.#rcptTo.length === 0) return this.#reply('503 5.5.2 Need rcpt command')
    this.#reply('354 Start mail input; end with <CRLF>.<CRLF>')
    this.#data = []
  }

  async #endOfData(raw: Buffer) {
    const mailFrom = this.#mailFrom as string
    const rcptTo = this.#rcptTo
    this.#mailFrom = undefined
    this.#rcptTo = []
    // The transaction's slot is held until its reply is written (a throttled submission keeps it).
    try {
      await this.#finishData(raw, mailFrom, rcptTo)
    } finally {
      this.#endTransaction()
    }
  }

  async #finishData(raw: Buffer, mailFrom: string, rcptTo: string[]) {
    const tenant = this.#options.tenant
    const now = Date.now()
    const id = `${randomUUID().toUpperCase()}@${this.#options.hostname}`
    if (this.#endpoint === 'mx') {
      const ip = this.#remote.replace(/^::ffff:/, '')
      const minute = (this.#shared.sent.get(`mx:${ip}`) ?? []).filter((t) => now - t < 60_000)
      const refusal = mxVerdict(tenant, { raw, minute, ip })
      if (refusal) return this.#reply(refusal)
      minute.push(now)
      this.#shared.sent.set(`mx:${ip}`, minute)
      const connector = this.#connector
      await this.#options.onMessage({
        id,
        via: connector ? 'connector' : 'direct-send',
        ...(connector ? { connector } : {}),
        mailFrom,
        rcptTo,
        raw,
      })
      // No MX transcript of the final reply is sourced; the submission endpoint's documented form is used.
      return this.#reply(`250 2.0.0 OK <${id}> [Hostname=${this.#options.hostname}]`)
    }
    const user = this.#user as string
    const window = (this.#shared.recipients.get(user) ?? []).filter((r) => now - r.at < 24 * 3600 * 1000)
    const minute = (this.#shared.sent.get(user) ?? []).filter((t) => now - t < 60_000)
    const verdict = submissionVerdict(tenant, {
      user,
      mailFrom,
      recipients: rcptTo.length,
      raw,
      recipientsToday: window.reduce((sum, r) => sum + r.count, 0),
      minute,
      now,
      remote: this.#remote,
    })
    if (verdict.action === 'refuse') return this.#reply(verdict.reply)
    if (verdict.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, verdict.delayMs))
    minute.push(Date.now())
    this.#shared.sent.set(user, minute)
    window.push({ at: now, count: rcptTo.length })
    this.#shared.recipients.set(user, window)
    await this.#options.onMessage({ id, authenticatedAs: user, via: 'submission', mailFrom, rcptTo, raw })
    this.#reply(`250 2.0.0 OK <${id}> [Hostname=${this.#options.hostname}]`)
  }
}

import type { Socket } from 'node:net'
import type { EmailEnvelope, ResolvedFault } from '@mailwright/core'
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js'
import type { EmailStore } from './email-store.js'
import type { FaultAction, SmtpFaults } from './smtp-faults.js'

/** AUTH settings of the capture's SMTP listener. */
export interface SmtpAuthOptions {
  /** Refuse mail from clients that did not authenticate. Default false: AUTH is offered, not required. */
  required?: boolean
  /**
   * Accepted users: name → password (PLAIN, LOGIN) or token (XOAUTH2). Without it any credentials are
   * accepted and recorded, which is what an application under test usually needs.
   */
  users?: Record<string, string>
}

/** What the SMTP listener needs from the server's options. */
export interface SmtpListenerOptions {
  store: EmailStore
  hostname: string
  maxMessageSize: number
  tls: { key: string; cert: string } | false
  auth: SmtpAuthOptions | false
  bareLineEndings: 'reject' | 'accept'
  /** Most SMTP connections at once; more are answered 421 and closed. */
  maxClients: number
  /** The time a connection has to deliver its next message (or quit) before it is answered 421 and closed. */
  sessionTimeoutMs: number
  /** Simulated faults, and the record of every attempt. */
  faults: SmtpFaults
}

type SmtpError = Error & { responseCode?: number }

/**
 * The capture's SMTP side (smtp-server): stores the raw bytes, routes by envelope, and answers `250`
 * without parsing anything; bodies are parsed later, when a test asks.
 */
export function createSmtpListener(options: SmtpListenerOptions): CaptureSmtpServer {
  const { store: storeOf, maxMessageSize, faults } = options
  const auth = options.auth
  const serverOptions: SMTPServerOptions = {
    name: options.hostname,
    banner: 'Mailwright capture inbox',
    size: maxMessageSize,
    logger: false,
    disableReverseLookup: true,
    hideSTARTTLS: options.tls === false,
    allowInsecureAuth: true,
    authOptional: !(auth && auth.required === true),
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    // The default defers by a tick, long enough for an eager client's first command to be refused.
    onConnect(_session, callback) {
      callback()
    },
    disabledCommands: auth === false ? ['AUTH'] : [],
    onAuth(credentials, session, callback) {
      const fault = faults.sessionFault('auth')
      if (fault)
        return server.act(session.id, fault, session.remoteAddress, {
          proceed: () => authenticate(credentials, callback),
          refuse: (code, text) => callback(smtpError(code, text)),
        })
      authenticate(credentials, callback)
    },
    // smtp-server's own end of a connection, whatever socket it ended on (STARTTLS replaces the first).
    onClose(session) {
      server.closed(session.id)
    },
    onMailFrom(_address, session, callback) {
      const fault = faults.sessionFault('mail')
      if (!fault) return callback()
      server.act(session.id, fault, session.remoteAddress, {
        proceed: () => callback(),
        refuse: (code, text) => callback(smtpError(code, text)),
      })
    },
    onRcptTo(address, session, callback) {
      const recipient = address.address
      const fault = faults.recipient(
        {
          id: session.id,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          clientAddress: session.remoteAddress,
        },
        recipient,
      )
      if (!fault) return callback()
      server.act(session.id, fault, session.remoteAddress, {
        proceed: () => callback(),
        refuse: (code, text) => {
          faults.endRecipient(session.id, recipient, {
            outcome: 'refused',
            stage: 'rcpt',
            reply: `${code} ${text}`,
          })
          callback(smtpError(code, text))
        },
      })
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      const fault = faults.transactionFault(session.id, 'message')
      const refused = (code: number, text: string) => {
        faults.endTransaction(session.id, { outcome: 'refused', stage: 'message', reply: `${code} ${text}` })
        callback(smtpError(code, text))
      }
      // A drop acts on the message's first bytes (mid-DATA), or at its end when it has none: no reply then.
      let dropping = false
      const drop = () => {
        if (dropping || !fault?.fault.drop) return
        dropping = true
        server.act(session.id, fault, session.remoteAddress, {
          proceed: () => {},
          refuse: () => {},
        })
      }
      stream.on('data', (chunk: Buffer) => {
        drop()
        // Past the limit the rest is drained, not kept, so an oversized message cannot grow memory.
        if (!stream.sizeExceeded) chunks.push(chunk)
      })
      // A client that goes away mid-DATA destroys the stream with an error: nothing is stored.
      stream.on('error', () => {})
      stream.on('end', () => {
        drop()
        if (dropping) return
        if (stream.sizeExceeded) {
          return refused(
            552,
            `5.3.4 Message exceeds the maximum size of ${maxMessageSize} bytes; nothing was captured. Send a smaller message or raise the limit (maxMessageSize / --max-size)`,
          )
        }
        // None for most messages: the store's shared empty list is used then.
        let warnings: string[] | undefined
        // Kept as received (smtp-server's slices of the socket's reads, sized to what was read): the store
        // joins them on first use, which may be never.
        const raw = chunks.length === 1 ? ownBytes(chunks[0] as Buffer) : chunks.map(ownBytes)
        const bare = findBareLineEnding(raw)
        if (bare) {
          if (options.bareLineEndings === 'reject') {
            return refused(
              550,
              `5.6.0 Bare ${bare.kind} at byte ${bare.offset} of the message; SMTP requires CRLF line endings (RFC 5321 2.3.8), so nothing was captured. Fix the sender, or start the inbox with bareLineEndings: 'accept' (mailwright serve --accept-bare-lf)`,
            )
          }
          warnings = [
            `bare ${bare.kind} at byte ${bare.offset}: accepted because bareLineEndings is 'accept'`,
          ]
        }
        const store = () => {
          const email = storeOf.add(raw, envelopeOf(session), warnings)
          server.delivered(session.id)
          const text = `2.0.0 Captured as ${email.id}`
          faults.endTransaction(session.id, {
            outcome: 'delivered',
            stage: 'message',
            reply: `250 ${text}`,
            emailId: email.id,
          })
          callback(null, text)
        }
        if (!fault) return store()
        // Stored only with the reply: a test's wait sees the email when the client is told it was taken.
        server.act(session.id, fault, session.remoteAddress, { proceed: store, refuse: refused })
      })
    },
  }
  function authenticate(
    credentials: Parameters<NonNullable<SMTPServerOptions['onAuth']>>[0],
    callback: Parameters<NonNullable<SMTPServerOptions['onAuth']>>[2],
  ) {
    const users = auth ? auth.users : undefined
    const secret = credentials.method === 'XOAUTH2' ? credentials.accessToken : credentials.password
    const user = credentials.username ?? ''
    if (users && users[user] !== secret) {
      const error: SmtpError = new Error(
        `5.7.8 Authentication failed for ${JSON.stringify(user)}: unknown user or wrong ${credentials.method === 'XOAUTH2' ? 'token' : 'password'}`,
      )
      error.responseCode = 535
      return callback(error)
    }
    callback(null, { user })
  }
  if (options.tls) {
    serverOptions.key = options.tls.key
    serverOptions.cert = options.tls.cert
  }
  const server = new CaptureSmtpServer(serverOptions, options)
  server.on('error', () => {})
  return server
}

// smtp-server holds every new connection for 100 ms before its greeting, to catch spam bots that talk
// too early. A capture inbox has no such bots, and an application that opens one connection per email
// (nodemailer's default) would pay those 100 ms on every wait. This subclass greets at once; everything
// else is smtp-server's own connection handling.
interface ConnectionInternals {
  id: string
  session: { envelope?: { rcptTo: unknown[] } }
  _socket?: Socket
  _setListeners(callback: () => void): void
  connectionReady(): void
  on(event: string, listener: (arg: unknown) => void): void
  once(event: string, listener: () => void): void
  send(code: number, text: string, context?: false): void
  close(): void
  handler_EHLO: CommandHandler
  handler_HELO: CommandHandler
  handler_DATA: CommandHandler
  _resetSession(): void
  _closing?: boolean
  _closed?: boolean
  _parser?: { isClosed: boolean }
}

/** What {@link CaptureSmtpServer.act} does once a fault's delay has passed. */
export interface FaultOutcome {
  /** The normal reply (a fault that only delays). */
  proceed(): void
  /** The fault's reply instead. */
  refuse(code: number, text: string): void
}
interface ServerInternals {
  connections: Set<unknown>
  _onError(error: unknown): void
  _onClientConnect(data: unknown): void
}

type CommandHandler = (command: Buffer, callback: () => void) => void

/** smtp-server, greeting at once, with a connection limit, a session deadline and a graceful shut-down. */
export class CaptureSmtpServer extends SMTPServer {
  readonly #limits: SmtpListenerOptions
  readonly #connections = new Map<string, ConnectionInternals>()
  readonly #delays = new Map<string, Set<NodeJS.Timeout>>()
  readonly #deadlines = new Map<
    string,
    { connection: ConnectionInternals; timer: NodeJS.Timeout; deadline: number }
  >()

  constructor(serverOptions: SMTPServerOptions, limits: SmtpListenerOptions) {
    super(serverOptions)
    this.#limits = limits
  }

  /** A message was captured on this session: its clock for the next one starts again. */
  delivered(sessionId: string): void {
    // Only the deadline moves: the timer, when it fires early, waits again for the time left. A timer per
    // message cost more than the rest of storing it.
    const entry = this.#deadlines.get(sessionId)
    if (entry) entry.deadline = performance.now() + this.#limits.sessionTimeoutMs
  }

  /**
   * Carries out a simulated fault on a session: waits its delay, then cuts the connection, gives its reply
   * or the normal one. Nothing happens once the client has gone; the delay counts neither against the
   * session's deadline nor its idle timeout (the server is the one taking its time).
   */
  act(sessionId: string, action: FaultAction, clientAddress: string, outcome: FaultOutcome): void {
    if (!action) {
      outcome.proceed()
      return
    }
    const { fault } = action
    const run = () => {
      const connection = this.#connections.get(sessionId)
      if (!connection || connection._closing || connection._closed || connection._socket?.destroyed) return
      if (fault.drop) {
        // Every attempt of the session goes with the connection, each at the stage it reached.
        this.#limits.faults.endTransaction(sessionId, { outcome: 'dropped' })
        // Commands the client already pipelined must not run on a connection being cut.
        if (connection._parser) connection._parser.isClosed = true
        connection._socket?.destroy()
        return
      }
      if (fault.reply) outcome.refuse(fault.reply.code, replyText(fault, clientAddress))
      else outcome.proceed()
    }
    if (fault.delayMs <= 0) {
      run()
      return
    }
    const connection = this.#connections.get(sessionId)
    const deadline = this.#deadlines.get(sessionId)
    if (deadline) deadline.deadline = Math.max(deadline.deadline, performance.now()) + fault.delayMs
    connection?._socket?.setTimeout(0)
    const timer = setTimeout(() => {
      this.#delays.get(sessionId)?.delete(timer)
      connection?._socket?.setTimeout(this.#idleTimeoutMs)
      run()
    }, fault.delayMs)
    timer.unref()
    const timers = this.#delays.get(sessionId) ?? new Set()
    timers.add(timer)
    this.#delays.set(sessionId, timers)
  }

  // smtp-server's idle timeout of a socket (its `socketTimeout` option, 60 s by default).
  get #idleTimeoutMs(): number {
    return (this.options as { socketTimeout?: number }).socketTimeout ?? 60_000
  }

  /** The connection is gone: its bookkeeping, pending fault delays and open attempts go with it. */
  closed(sessionId: string): void {
    this.#connections.delete(sessionId)
    clearTimeout(this.#deadlines.get(sessionId)?.timer)
    this.#deadlines.delete(sessionId)
    for (const timer of this.#delays.get(sessionId) ?? []) clearTimeout(timer)
    this.#delays.delete(sessionId)
    this.#limits.faults.endTransaction(sessionId, { outcome: 'abandoned' })
  }

  /** Answers every open session 421 4.3.2 and closes it (a server going away, RFC 5321 3.8). */
  shutDown(): void {
    for (const connection of (this as unknown as ServerInternals).connections as Set<ConnectionInternals>) {
      this.#hangUp(connection, `4.3.2 ${this.#limits.hostname} shutting down; try again later`)
      // A client that never closes its side would hold the listener open for smtp-server's 30 s.
      const socket = (connection as unknown as { _socket?: { destroy(): void } })._socket
      setTimeout(() => socket?.destroy(), 1000).unref()
    }
  }

  // A 421 says why the server ends the session (RFC 5321 3.8), then the connection closes.
  #hangUp(connection: ConnectionInternals, text: string, code = 421): void {
    this.#limits.faults.endTransaction(connection.id, { outcome: 'refused', reply: `${code} ${text}` })
    connection.send(code, text, false)
    connection.close()
  }

  // The stages smtp-server has no hook for (EHLO, the DATA command), and every reset of the transaction
  // (RSET, EHLO, HELO, STARTTLS, the end of a message), which ends its open attempts.
  #watch(connection: ConnectionInternals): void {
    const { faults } = this.#limits
    const ehlo = connection.handler_EHLO
    const helo = connection.handler_HELO
    const data = connection.handler_DATA
    const reset = connection._resetSession
    const clientAddress = connection._socket?.remoteAddress ?? ''
    const greeting =
      (original: CommandHandler): CommandHandler =>
      (command, callback) =>
        this.act(connection.id, faults.sessionFault('ehlo'), clientAddress, {
          proceed: () => original.call(connection, command, callback),
          refuse: (code, text) => {
            connection.send(code, text, false)
            callback()
          },
        })
    connection.handler_EHLO = greeting(ehlo)
    connection.handler_HELO = greeting(helo)
    connection.handler_DATA = (command, callback) => {
      // Without recipients smtp-server answers 503 itself.
      if (!connection.session.envelope?.rcptTo.length) return data.call(connection, command, callback)
      this.act(connection.id, faults.transactionFault(connection.id, 'data'), clientAddress, {
        proceed: () => data.call(connection, command, callback),
        refuse: (code, text) => {
          faults.endTransaction(connection.id, {
            outcome: 'refused',
            stage: 'data',
            reply: `${code} ${text}`,
          })
          connection.send(code, text, false)
          // The transaction is over (RFC 5321 3.3): a DATA sent again gets 503, never a message unrecorded.
          connection._resetSession()
          callback()
        },
      })
    }
    connection._resetSession = () => {
      faults.endTransaction(connection.id, { outcome: 'abandoned' })
      reset.call(connection)
    }
  }

  // A client that trickles a byte now and then never trips the idle timeout; this deadline ends it.
  #arm(connection: ConnectionInternals, deadline = performance.now() + this.#limits.sessionTimeoutMs): void {
    clearTimeout(this.#deadlines.get(connection.id)?.timer)
    const timer = setTimeout(
      () => {
        const entry = this.#deadlines.get(connection.id)
        if (entry && entry.deadline > performance.now()) return this.#arm(connection, entry.deadline)
        this.#deadlines.delete(connection.id)
        this.#hangUp(
          connection,
          `4.4.2 ${this.#limits.hostname} no message delivered within ${this.#limits.sessionTimeoutMs} ms of connecting or of the last one; closing (sessionTimeoutMs)`,
        )
      },
      Math.max(0, deadline - performance.now()),
    )
    timer.unref()
    this.#deadlines.set(connection.id, { connection, timer, deadline })
  }

  override connect(socket: Socket, socketOptions: unknown): void {
    const self = this as unknown as ServerInternals
    const internals = SMTPConnection.prototype as unknown as Partial<ConnectionInternals>
    if (typeof internals._setListeners !== 'function' || typeof self._onClientConnect !== 'function') {
      // An smtp-server without these internals: keep its own behaviour (and its pause).
      super.connect(socket, socketOptions as never)
      return
    }
    const connection = new SMTPConnection(
      this,
      socket as never,
      socketOptions as never,
    ) as unknown as ConnectionInternals
    self.connections.add(connection)
    this.#connections.set(connection.id, connection)
    this.#watch(connection)
    connection.on('error', (error) => self._onError(error))
    connection.on('connect', (data) => self._onClientConnect(data))
    // SMTPConnection emits no 'close' of its own; onClose is its end, and this the socket's, for one that
    // closes before smtp-server took it over (a refusal at the greeting).
    socket.once('close', () => this.closed(connection.id))
    connection._setListeners(() => {
      // smtp-server checks maxClients in the init() this greeting-at-once path replaces.
      if (self.connections.size > this.#limits.maxClients) {
        this.#hangUp(
          connection,
          `4.7.0 ${this.#limits.hostname} too many connections (over ${this.#limits.maxClients}); try again in a moment (maxClients)`,
        )
        return
      }
      const clientAddress = (socket as Socket).remoteAddress ?? ''
      this.act(connection.id, this.#limits.faults.sessionFault('connect'), clientAddress, {
        proceed: () => {
          this.#arm(connection)
          connection.connectionReady()
        },
        refuse: (code, text) => this.#hangUp(connection, text, code),
      })
    })
  }
}
function envelopeOf(session: Parameters<NonNullable<SMTPServerOptions['onData']>>[1]): EmailEnvelope {
  const envelope: EmailEnvelope = {
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
    clientAddress: session.remoteAddress,
    heloName: session.hostNameAppearsAs,
  }
  if (session.secure) {
    const tls = session.tlsOptions as { name?: string; version?: string } | undefined
    envelope.tls = { protocol: tls?.version ?? 'TLS', cipher: tls?.name ?? 'unknown' }
  }
  if (typeof session.user === 'string' && session.user) envelope.authenticatedUser = session.user
  return envelope
}

// A slice of a much larger read buffer (pipelined messages in one read) would keep all of it alive for as
// long as the email is kept: such a slice is copied out.
function ownBytes(chunk: Buffer): Buffer {
  return chunk.buffer.byteLength > 2 * chunk.length + 4096 ? Buffer.from(chunk) : chunk
}

function replyText(fault: ResolvedFault, clientAddress: string): string {
  return (fault.reply?.text ?? '').replaceAll('{clientAddress}', clientAddress.replace(/^::ffff:/, ''))
}

function smtpError(code: number, message: string): SmtpError {
  const error: SmtpError = new Error(message)
  error.responseCode = code
  return error
}

/**
 * The first LF without a CR before it, or CR without an LF after it, in a message given whole or as the
 * socket reads that hold it in order.
 */
export function findBareLineEnding(
  raw: Buffer | readonly Buffer[],
): { kind: 'LF' | 'CR'; offset: number } | undefined {
  // On the reply path of every message, so the common case is native: each LF is found by a string search
  // (memchr speed) and checked for its CR, and the CRs are counted: as many as LFs means none is bare
  // (each LF has its own CR before it, so any other CR is bare). That is four times cheaper than a byte
  // loop for mail's usual line lengths. Lines under 16 bytes on average (a message of empty lines, a flood
  // of CRs) would cost a search per line: those, and every message with a bare ending (to find its
  // offset), take the single byte loop instead.
  const chunks = Buffer.isBuffer(raw) ? [raw] : raw
  const whole = () => (Buffer.isBuffer(raw) ? raw : Buffer.concat(raw))
  let lines = 0
  let returns = 0
  let before = -1
  let seen = 0
  for (const chunk of chunks) {
    const text = chunk.toString('latin1')
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      const previous = i === 0 ? before : text.charCodeAt(i - 1)
      if (previous !== 0x0d || ++lines > ((seen + i) >> 4) + 64) return scanBareLineEnding(whole())
    }
    for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
      if (++returns > lines + 1) return scanBareLineEnding(whole())
    }
    if (text.length > 0) before = text.charCodeAt(text.length - 1)
    seen += text.length
  }
  return returns === lines ? undefined : scanBareLineEnding(whole())
}

function scanBareLineEnding(raw: Buffer): { kind: 'LF' | 'CR'; offset: number } | undefined {
  // One pass over the bytes: a message of empty lines must cost one scan, not a native call per line.
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]
    if (byte === 0x0a && raw[i - 1] !== 0x0d) return { kind: 'LF', offset: i }
    if (byte === 0x0d && raw[i + 1] !== 0x0a) return { kind: 'CR', offset: i }
  }
  return undefined
}

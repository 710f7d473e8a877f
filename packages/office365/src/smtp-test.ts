import { connect, isIP, type Socket } from 'node:net'
import { type TLSSocket, connect as tlsConnect } from 'node:tls'
import {
  InvalidArgumentError,
  MailwrightError,
  type RecipientRule,
  type Secret,
  type SmtpExplanation,
} from '@mailwright/core'
import {
  explainSmtpReply,
  guardRecipients,
  isPlainAddress,
  redact,
  SmtpReplyReader,
} from '@mailwright/core/internal'
import { type ClientCredentials, createTokenProvider, TokenError } from './token-provider.js'

/** What `mailwright smtp-test` checks. */
export interface SmtpTestOptions {
  host: string
  port: number
  /** Upgrade with STARTTLS (default: true unless the port is 465). */
  starttls?: boolean
  /** Trust these CA certificates too (PEM), e.g. the emulator's. */
  ca?: string
  /** The name the certificate must carry. Default the host. */
  servername?: string
  user?: string
  /** Basic auth (AUTH LOGIN). */
  password?: Secret
  /** OAuth2 (XOAUTH2) with a client-credentials token. */
  oauth2?: ClientCredentials
  /** Send one test message here (it must be allowed by `allowRecipients`). */
  sendTo?: string
  /**
   * Send as this address instead of the login (a shared mailbox, Send As or Send on Behalf): the test
   * message's MAIL FROM and From; without `sendTo`, a `send-as` step tries MAIL FROM alone and resets.
   */
  from?: string
  /** A client certificate (PEM) presented at STARTTLS, for a certificate-based connector. */
  clientCertificate?: { cert: string; key: string }
  allowRecipients?: RecipientRule[]
  /** The deadline of each network step: the token request, connecting, each reply, the TLS handshake. Default 15 s. */
  timeoutMs?: number
  /**
   * Send the password or token even though the connection is not encrypted (no STARTTLS). Anyone on the
   * network path can read it: only for a test server on a network you trust. Default false: the AUTH step
   * fails without sending anything.
   */
  allowPlaintextAuth?: boolean
}

/** One checked step. */
export interface SmtpTestStep {
  name: 'token' | 'connect' | 'ehlo' | 'starttls' | 'auth' | 'send-as' | 'send'
  ok: boolean
  detail: string
  /** An SMTP reply's explanation, or for the token step what Entra or the network said. */
  explanation?: SmtpExplanation | TokenError['explanation']
}

/** The outcome of {@link smtpTest}. */
export interface SmtpTestResult {
  ok: boolean
  steps: SmtpTestStep[]
  /** Every line sent and received, `C:`/`S:` prefixed, secrets redacted. */
  transcript: string[]
  tls?: {
    protocol: string
    cipher: string
    authorized: boolean
    authorizationError?: string
    subject?: string
    validTo?: string
  }
  authMechanisms: string[]
  /** The stage that failed, for exit codes. */
  failedStage?: SmtpTestStep['name']
}

const OUTLOOK_SCOPE = 'https://outlook.office365.com/.default'
const PORT_465 =
  'Port 465 expects TLS from the first byte, which smtp-test does not speak, and Office 365 does not offer it for submission: use smtp.office365.com port 587 with STARTTLS.'

/**
 * Checks an SMTP submission endpoint step by step: for XOAUTH2 the token first (before any connection, so
 * a wrong secret, app or tenant is named as such), then banner, EHLO before and after STARTTLS, TLS version,
 * cipher and certificate, advertised AUTH mechanisms, the AUTH attempt (LOGIN or XOAUTH2), and optionally
 * one test message to an allowlisted address. Every network step has a deadline and a failure says which
 * one expired; a connection that fails gets network hints (DNS, refused, blocked port); a refusal carries
 * the Office 365 explanation when the reply is a known one. The transcript never contains a secret or a
 * token.
 *
 * @example
 * const result = await smtpTest({ host: 'smtp.office365.com', port: 587, user: 'qa@contoso.com', oauth2: credentials })
 * result.steps.map((s) => `${s.name}: ${s.ok ? 'ok' : s.detail}`)
 */
export async function smtpTest(options: SmtpTestOptions): Promise<SmtpTestResult> {
  // Each goes into an SMTP command as is.
  for (const [parameter, value] of [
    ['sendTo', options.sendTo],
    ['from', options.from],
  ] as const)
    if (value !== undefined && !isPlainAddress(value))
      throw new InvalidArgumentError(
        parameter,
        value,
        'one email address (local@domain), without spaces or angle brackets',
      )
  if (options.user !== undefined && !/^[^\s<>\p{Cc}]+$/u.test(options.user))
    throw new InvalidArgumentError(
      'user',
      options.user,
      'a user name without spaces, angle brackets or control characters',
    )
  if (options.sendTo) guardRecipients([options.sendTo], options.allowRecipients ?? [], 'smtp-test')
  const secrets: Array<Secret | string> = [
    ...(options.password ? [options.password] : []),
    ...(options.oauth2 ? [options.oauth2.clientSecret] : []),
  ]
  const result: SmtpTestResult = { ok: false, steps: [], transcript: [], authMechanisms: [] }
  const log = (line: string) => result.transcript.push(redact(line, secrets))
  const step = (name: SmtpTestStep['name'], ok: boolean, detail: string, reply?: string) => {
    const entry: SmtpTestStep = { name, ok, detail: redact(detail, secrets) }
    const explanation = reply ? explainSmtpReply(reply) : undefined
    if (explanation) entry.explanation = explanation
    result.steps.push(entry)
    if (!ok) result.failedStage = name
    return ok
  }
  const timeoutMs = options.timeoutMs ?? 15_000
  let accessToken: string | undefined
  if (options.oauth2 && options.user) {
    try {
      const token = await createTokenProvider(options.oauth2, { timeoutMs }).getToken(OUTLOOK_SCOPE)
      accessToken = token.accessToken
      secrets.push(accessToken)
      step(
        'token',
        true,
        `for ${OUTLOOK_SCOPE} as app ${options.oauth2.clientId}${token.expiresOn ? `, valid until ${token.expiresOn.toISOString()}` : ''}`,
      )
    } catch (error) {
      if (!(error instanceof TokenError)) throw error
      step('token', false, error.explanation.title)
      ;(result.steps.at(-1) as SmtpTestStep).explanation = error.explanation
      return result
    }
  }
  let client: LineClient
  try {
    client = await LineClient.open(options.host, options.port, timeoutMs, log)
  } catch (error) {
    step('connect', false, connectFailure(options.host, options.port, error as NodeJS.ErrnoException))
    return result
  }
  // The step under way, for a failure that is not a reply (a deadline, a closed connection).
  let stage: SmtpTestStep['name'] = 'connect'
  try {
    const banner = await client.reply('the banner')
    if (!step('connect', banner.startsWith('220'), banner, banner)) return result
    stage = 'ehlo'
    let ehlo = await client.command('EHLO mailwright-smtp-test')
    if (!step('ehlo', ehlo.startsWith('250'), `extensions: ${extensions(ehlo).join(', ')}`, ehlo))
      return result
    if (options.starttls ?? options.port !== 465) {
      stage = 'starttls'
      if (!extensions(ehlo).includes('STARTTLS')) {
        step('starttls', false, 'the server does not offer STARTTLS')
        return result
      }
      const ready = await client.command('STARTTLS')
      if (!ready.startsWith('220')) {
        step('starttls', false, ready, ready)
        return result
      }
      try {
        result.tls = await client.upgrade({
          ca: options.ca,
          servername: options.servername ?? options.host,
          clientCertificate: options.clientCertificate,
        })
      } catch (error) {
        step('starttls', false, `TLS handshake failed: ${(error as Error).message}`)
        return result
      }
      const tls = result.tls
      const certificate = tls.authorized
        ? `certificate valid (${tls.subject})`
        : `certificate NOT trusted: ${tls.authorizationError}`
      if (!step('starttls', tls.authorized, `${tls.protocol} ${tls.cipher}; ${certificate}`)) return result
      stage = 'ehlo'
      ehlo = await client.command('EHLO mailwright-smtp-test')
      step('ehlo', ehlo.startsWith('250'), `after STARTTLS: ${extensions(ehlo).join(', ')}`, ehlo)
    }
    result.authMechanisms =
      extensions(ehlo)
        .find((e) => e.startsWith('AUTH'))
        ?.split(/\s+/)
        .slice(1) ?? []
    if (options.user && (options.password || options.oauth2)) {
      stage = 'auth'
      const mechanism = options.oauth2 ? 'XOAUTH2' : 'LOGIN'
      const what = options.oauth2 ? 'token' : 'password'
      // A credential goes out only over TLS, only for a mechanism the server offers, and never after the
      // server refused a step: each refusal stops here with nothing sent.
      if (!result.tls && !options.allowPlaintextAuth) {
        step(
          'auth',
          false,
          `not attempted: the connection is not encrypted (no STARTTLS), so the ${what} would travel in clear text. Use STARTTLS; only for a test server on a network you trust, allow it with --allow-plaintext-auth.`,
        )
        return result
      }
      if (!result.authMechanisms.some((m) => m.toUpperCase() === mechanism)) {
        step(
          'auth',
          false,
          `not attempted: the server does not offer AUTH ${mechanism} (it offers: ${result.authMechanisms.join(', ') || 'none'}); no credential was sent.`,
        )
        return result
      }
      let reply: string
      if (accessToken) {
        reply = await client.command(
          `AUTH XOAUTH2 ${Buffer.from(`user=${options.user}\u0001auth=Bearer ${accessToken}\u0001\u0001`).toString('base64')}`,
        )
        // RFC 7628 3.2.3: a failed XOAUTH2 answers 334 with an error; the client ends the exchange empty.
        if (reply.startsWith('334')) reply = await client.command('')
      } else {
        const start = await client.command('AUTH LOGIN')
        if (!start.startsWith('334')) {
          step('auth', false, `the server refused AUTH LOGIN: ${start}; no credential was sent.`, start)
          return result
        }
        const afterUser = await client.command(Buffer.from(options.user).toString('base64'))
        if (!afterUser.startsWith('334')) {
          step(
            'auth',
            false,
            `the server refused the user name: ${afterUser}; the password was not sent.`,
            afterUser,
          )
          return result
        }
        reply = await client.command(Buffer.from((options.password as Secret).reveal()).toString('base64'))
      }
      if (!step('auth', reply.startsWith('235'), `${mechanism} as ${options.user}: ${reply}`, reply))
        return result
    }
    if (options.from && !options.sendTo) {
      stage = 'send-as'
      const reply = await client.command(`MAIL FROM:<${options.from}>`)
      if (
        !step(
          'send-as',
          reply.startsWith('250'),
          reply.startsWith('250')
            ? `MAIL FROM:<${options.from}> accepted. Exchange Online may check Send As only after DATA (554 5.2.252), so only a real send (--send-to) proves it.`
            : `MAIL FROM:<${options.from}>: ${reply}`,
          reply,
        )
      )
        return result
      await client.command('RSET')
    }
    if (options.sendTo) {
      stage = 'send'
      const from = options.from ?? (options.user?.includes('@') ? options.user : `smtp-test@${options.host}`)
      for (const [line, expect] of [
        [`MAIL FROM:<${from}>`, '250'],
        [`RCPT TO:<${options.sendTo}>`, '250'],
        ['DATA', '354'],
      ] as const) {
        const reply = await client.command(line)
        if (!reply.startsWith(expect)) {
          step('send', false, `${line.split(':')[0]}: ${reply}`, reply)
          return result
        }
      }
      const message = `From: ${from}\r\nTo: ${options.sendTo}\r\nSubject: mailwright smtp-test\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${Date.now()}.smtp-test@mailwright>\r\n\r\nA test message from mailwright smtp-test.\r\n.`
      const done = await client.command(message)
      if (!step('send', done.startsWith('250'), done, done)) return result
    }
    result.ok = result.steps.every((s) => s.ok)
    await client.command('QUIT').catch(() => '')
    return result
  } catch (error) {
    // On 465 the server waits for a TLS hello this client never sends: the banner never comes.
    const hint = stage === 'connect' && options.port === 465 ? ` ${PORT_465}` : ''
    step(stage, false, `${(error as Error).message}${hint}`)
    return result
  } finally {
    client.close()
  }
}

// Why a connection could not be made, with what to check: the error codes Node gives for each cause.
export function connectFailure(host: string, port: number, error: NodeJS.ErrnoException): string {
  const at = `cannot connect to ${host}:${port}: ${error.message}`
  const submission = port === 465 ? ` ${PORT_465}` : ''
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${at}. The name does not resolve: check it and this machine's DNS.${submission}`
    case 'ECONNREFUSED':
      return `${at}. Nothing accepts connections there, or a firewall refuses them: check the host and port.${submission}`
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return `${at}. Outbound port ${port} is probably blocked: many networks and cloud providers block outbound SMTP ports; ask for port ${port} to be opened. An HTTP proxy does not carry SMTP.${submission}`
    default:
      return `${at}.${submission}`
  }
}

function extensions(ehlo: string): string[] {
  return ehlo
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.slice(4).trim())
}

class LineClient {
  #socket: Socket | TLSSocket
  readonly #replies: SmtpReplyReader
  readonly #timeoutMs: number
  readonly #log: (line: string) => void

  private constructor(socket: Socket, timeoutMs: number, log: (line: string) => void) {
    this.#socket = socket
    this.#timeoutMs = timeoutMs
    this.#log = log
    this.#replies = new SmtpReplyReader(socket)
  }

  static open(
    host: string,
    port: number,
    timeoutMs: number,
    log: (line: string) => void,
  ): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(
          Object.assign(new Error(`no connection within ${timeoutMs} ms (the connect deadline)`), {
            code: 'CONNECT_TIMEOUT',
          }),
        )
      }, timeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        resolve(new LineClient(socket, timeoutMs, log))
      })
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
  }

  /** The next reply; `to` names what it answers, for the error when none comes within the deadline. */
  async reply(to: string): Promise<string> {
    const reply = await this.#replies.next(this.#timeoutMs).catch((error: Error) => {
      const message = (error instanceof MailwrightError ? error.detail : error.message).replace(
        /; unread: .*$/s,
        '',
      )
      throw new Error(
        /^No SMTP reply within/.test(message)
          ? `no reply to ${to} within ${this.#timeoutMs} ms (the reply deadline)`
          : message,
      )
    })
    for (const line of reply.split(/\r?\n/)) this.#log(`S: ${line}`)
    return reply
  }

  async command(line: string): Promise<string> {
    this.#log(`C: ${line.length > 200 ? `${line.slice(0, 60)}… (${line.length} bytes)` : line}`)
    this.#socket.write(`${line}\r\n`)
    // A secret never names the step: an AUTH payload or the message body is named by what it is.
    const verb = /^[A-Z]{4,8}\b/.exec(line)?.[0] ?? 'the client'
    const to = /^(EHLO|HELO|STARTTLS|AUTH|MAIL|RCPT|DATA|RSET|NOOP|QUIT)$/.test(verb)
      ? verb
      : line.endsWith('\r\n.')
        ? 'the message'
        : 'the AUTH exchange'
    return this.reply(to)
  }

  upgrade(options: {
    ca?: string
    servername: string
    clientCertificate?: { cert: string; key: string } | undefined
  }): Promise<NonNullable<SmtpTestResult['tls']>> {
    return new Promise((resolve, reject) => {
      let secure: TLSSocket
      try {
        // A bad certificate, key or CA throws here, before any handshake.
        secure = tlsConnect({
          socket: this.#socket as Socket,
          // An IP is checked against the certificate's IP names but never sent as SNI (RFC 6066 3 allows only
          // host names there; Node warns when asked to).
          ...(isIP(options.servername) ? { host: options.servername } : { servername: options.servername }),
          rejectUnauthorized: false,
          ...(options.ca ? { ca: options.ca } : {}),
          ...(options.clientCertificate
            ? { cert: options.clientCertificate.cert, key: options.clientCertificate.key }
            : {}),
        })
      } catch (error) {
        reject(error)
        return
      }
      const timer = setTimeout(() => {
        secure.destroy()
        reject(new Error(`no TLS handshake within ${this.#timeoutMs} ms (the TLS deadline)`))
      }, this.#timeoutMs)
      secure.once('secureConnect', () => {
        clearTimeout(timer)
        this.#socket = secure
        this.#replies.attach(secure)
        const cert = secure.getPeerCertificate()
        const error = secure.authorizationError ? String(secure.authorizationError) : undefined
        resolve({
          protocol: secure.getProtocol() ?? 'unknown',
          cipher: secure.getCipher().name,
          authorized: secure.authorized,
          authorizationError: error,
          subject: [cert?.subject?.CN].flat().join(', ') || undefined,
          validTo: cert?.valid_to,
        })
      })
      secure.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
  }

  close() {
    this.#socket.destroy()
  }
}

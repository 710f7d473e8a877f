import { connect, isIP, type Socket } from 'node:net'
import { type TLSSocket, connect as tlsConnect } from 'node:tls'
import type { RecipientRule, Secret, SmtpExplanation } from '@mailwright/core'
import { explainSmtpReply, guardRecipients, redact, SmtpReplyReader } from '@mailwright/core/internal'
import { type ClientCredentials, createTokenProvider } from './token-provider.js'

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
  allowRecipients?: RecipientRule[]
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
  name: 'connect' | 'ehlo' | 'starttls' | 'auth' | 'send'
  ok: boolean
  detail: string
  explanation?: SmtpExplanation
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

/**
 * Checks an SMTP submission endpoint step by step: banner, EHLO before and after STARTTLS, TLS version,
 * cipher and certificate, advertised AUTH mechanisms, the AUTH attempt (LOGIN or XOAUTH2), and optionally
 * one test message to an allowlisted address. Every failure carries the Office 365 explanation when the
 * reply is a known one; the transcript never contains a secret or a token.
 *
 * @example
 * const result = await smtpTest({ host: 'smtp.office365.com', port: 587, user: 'qa@contoso.com', oauth2: credentials })
 * result.steps.map((s) => `${s.name}: ${s.ok ? 'ok' : s.detail}`)
 */
export async function smtpTest(options: SmtpTestOptions): Promise<SmtpTestResult> {
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
  let client: LineClient
  try {
    client = await LineClient.open(options.host, options.port, options.timeoutMs ?? 15_000, log)
  } catch (error) {
    step('connect', false, `cannot connect to ${options.host}:${options.port}: ${(error as Error).message}`)
    return result
  }
  try {
    const banner = await client.reply()
    if (!step('connect', banner.startsWith('220'), banner, banner)) return result
    let ehlo = await client.command('EHLO mailwright-smtp-test')
    if (!step('ehlo', ehlo.startsWith('250'), `extensions: ${extensions(ehlo).join(', ')}`, ehlo))
      return result
    if (options.starttls ?? options.port !== 465) {
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
        result.tls = await client.upgrade({ ca: options.ca, servername: options.servername ?? options.host })
      } catch (error) {
        step('starttls', false, `TLS handshake failed: ${(error as Error).message}`)
        return result
      }
      const tls = result.tls
      const certificate = tls.authorized
        ? `certificate valid (${tls.subject})`
        : `certificate NOT trusted: ${tls.authorizationError}`
      if (!step('starttls', tls.authorized, `${tls.protocol} ${tls.cipher}; ${certificate}`)) return result
      ehlo = await client.command('EHLO mailwright-smtp-test')
      step('ehlo', ehlo.startsWith('250'), `after STARTTLS: ${extensions(ehlo).join(', ')}`, ehlo)
    }
    result.authMechanisms =
      extensions(ehlo)
        .find((e) => e.startsWith('AUTH'))
        ?.split(/\s+/)
        .slice(1) ?? []
    if (options.user && (options.password || options.oauth2)) {
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
      if (options.oauth2) {
        const { accessToken } = await createTokenProvider(options.oauth2).getToken(
          'https://outlook.office365.com/.default',
        )
        secrets.push(accessToken)
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
    if (options.sendTo) {
      const from = options.user ?? `smtp-test@${options.host}`
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
    step(result.steps.at(-1)?.name ?? 'connect', false, (error as Error).message)
    return result
  } finally {
    client.close()
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
        reject(new Error(`no connection within ${timeoutMs} ms`))
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

  async reply(): Promise<string> {
    const reply = await this.#replies.next(this.#timeoutMs).catch((error: Error) => {
      throw new Error(error.message.replace(/; unread: .*$/s, ''))
    })
    for (const line of reply.split(/\r?\n/)) this.#log(`S: ${line}`)
    return reply
  }

  async command(line: string): Promise<string> {
    this.#log(`C: ${line.length > 200 ? `${line.slice(0, 60)}… (${line.length} bytes)` : line}`)
    this.#socket.write(`${line}\r\n`)
    return this.reply()
  }

  upgrade(options: { ca?: string; servername: string }): Promise<NonNullable<SmtpTestResult['tls']>> {
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({
        socket: this.#socket as Socket,
        // An IP is checked against the certificate's IP names but never sent as SNI (RFC 6066 3 allows only
        // host names there; Node warns when asked to).
        ...(isIP(options.servername) ? { host: options.servername } : { servername: options.servername }),
        rejectUnauthorized: false,
        ...(options.ca ? { ca: options.ca } : {}),
      })
      secure.once('secureConnect', () => {
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
      secure.once('error', reject)
    })
  }

  close() {
    this.#socket.destroy()
  }
}

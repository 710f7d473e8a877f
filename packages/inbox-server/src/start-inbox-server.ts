import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type CodeOptions,
  type Inbox,
  type InboxProvider,
  InvalidArgumentError,
  type ResolvedFault,
  type SendingProfile,
  type SmtpFault,
} from '@mailwright/core'
import { generateCertificate, type TlsCertificate, webUiUrl } from '@mailwright/core/internal'
import {
  type InboxBackend,
  type InboxFromBackendOptions,
  inboxAddress,
  inboxFromBackend,
} from '@mailwright/core/plugin'
import type { SMTPServer } from 'smtp-server'
import { EmailStore, type RetentionOptions, type StoreStats } from './email-store.js'
import { createHttpApi } from './http-api.js'
import { SmtpFaults } from './smtp-faults.js'
import { type CaptureSmtpServer, createSmtpListener, type SmtpAuthOptions } from './smtp-listener.js'

const WARM_UP_DELAY_MS = 100

/** Options of {@link startInboxServer}. Every one has a default that suits a test run on one machine. */
export interface InboxServerOptions {
  /** Interface both listeners bind to. Default `127.0.0.1`. */
  host?: string
  /** SMTP port; 0 picks a free one. Default 0 (the CLI defaults to 1025). */
  smtpPort?: number
  /** HTTP API port; 0 picks a free one; `false` runs no HTTP API. Default 0 (the CLI defaults to 8025). */
  httpPort?: number | false
  /** Domain of the addresses `createInbox()` hands out. Default `inbox.test`. */
  domain?: string
  /** The name the SMTP server greets with. Default `mailwright.localhost`. */
  hostname?: string
  /** STARTTLS: `true` generates a certificate at start-up, or give one; `false` offers none. Default true. */
  tls?: boolean | TlsCertificate
  /** AUTH (PLAIN, LOGIN, XOAUTH2): offered and optional by default; `false` turns it off. */
  auth?: SmtpAuthOptions | false
  /** Largest message accepted, in bytes (answered with 552 above it). Default 25 MiB. */
  maxMessageSize?: number
  /** How many emails, how old and how many bytes the capture keeps. */
  retention?: RetentionOptions
  /** Messages with a bare CR or LF: `reject` (default, as strict MTAs do) or `accept` with a warning. */
  bareLineEndings?: 'reject' | 'accept'
  /** How one-time codes are recognised. */
  codes?: CodeOptions
  /**
   * The production sender as receivers see it (egress IP, HELO, DNS). With it, every email gets SPF, DKIM,
   * DMARC and ARC verdicts (`email.auth`), computed off the reply path and ready when a wait resolves.
   */
  sendingProfile?: SendingProfile
  /**
   * How long one query's patterns (RegExp fields) may run on one email. Patterns run on worker threads,
   * so a catastrophic one fails only its own wait, with a clear error, and never stalls SMTP, HTTP or other
   * tests. Default 1 s.
   */
  patternBudgetMs?: number
  /**
   * How long one email's body parse may take. Parsing and verdicts run on worker threads, so a large or
   * hostile email never stalls anyone; one over this budget is kept headers-only, still listed and
   * waitable, with a warning saying so. Default 10 s.
   */
  parseBudgetMs?: number
  /**
   * Start a parse thread and a pattern thread 100 ms after start-up and load the parser there (about 200 ms
   * of one thread's time), so the first test that waits does not pay for it. Default true; false leaves
   * them to start on first use.
   */
  warmUp?: boolean
  /**
   * Further `Host` names the HTTP API answers to (`name` or `name:port`), for a server reached by a name
   * other than the address it binds. Loopback names are always allowed on a loopback server.
   */
  allowedHosts?: string[]
  /** Origins whose web pages may call the HTTP API (CORS), e.g. `http://localhost:5173`. Default none. */
  allowedOrigins?: string[]
  /**
   * What started this server, as an opaque id of its configuration: `GET /readyz/<fingerprint>` answers 200
   * only for the same id (409 otherwise), so a runner reuses an inbox already listening on its ports only
   * when it was started the same way (`inboxServer()` does this). Shown in `GET /readyz`.
   */
  fingerprint?: string
  /** Most SMTP connections at once; more are answered `421 4.7.0` and closed. Default 1000. */
  maxClients?: number
  /**
   * The time an SMTP connection has to deliver its next message (from connecting, then from the last one)
   * before it is answered `421 4.4.2` and closed, so a client that trickles bytes cannot hold a session.
   * Default 5 minutes.
   */
  sessionTimeoutMs?: number
  /**
   * Server-wide faults, for exploring an application by hand: they act on every session and every
   * address, at any stage (the greeting, EHLO, AUTH and MAIL FROM included), so they would break tests
   * running in parallel. Tests use `inbox.simulate()` instead. Default none.
   */
  faults?: SmtpFault[]
}

/** Options of {@link StartedInboxServer.createInbox}. */
export interface CreateInboxOptions extends Omit<InboxFromBackendOptions, 'createdAt'> {
  /** The part before `+`, e.g. `alice` → `alice+k3f9x2@inbox.test`. Default `test`. */
  name?: string
}

/** A running capture inbox. Stop it with `stop()` or `await using`. */
export interface StartedInboxServer extends AsyncDisposable {
  /**
   * Where to send mail. `ca` is the certificate STARTTLS presents when it was generated at start-up (PEM):
   * clients trust it as `ca`, or a Node application through `NODE_EXTRA_CA_CERTS` ({@link writeCaFile}).
   */
  readonly smtp: { host: string; port: number; secure: false; starttls: boolean; ca?: string }
  /** Base URL of the HTTP API, or undefined when it was turned off. */
  readonly url: string | undefined
  readonly domain: string
  /** A new inbox with a unique address, served in process (waits are events, no HTTP). */
  createInbox(options?: CreateInboxOptions): Inbox
  /** A new unique address without an Inbox object (for handing to another process). */
  createAddress(name?: string): string
  /** This server as an InboxProvider (what the runner fixtures use), with in-process inboxes. */
  provider(): InboxProvider
  /** The store's counters, and how many addresses were handed out (`createInbox`, `POST /api/inboxes`). */
  stats(): StoreStats & { addresses: number }
  /** The server-wide faults in force (`faults`), as described when it started. */
  readonly faults: readonly ResolvedFault[]
  stop(): Promise<void>
}

/**
 * Starts the capture inbox: SMTP and HTTP listeners on 127.0.0.1, ready when the promise resolves.
 *
 * @example
 * await using server = await startInboxServer({ smtpPort: 0 })
 * const inbox = server.createInbox({ name: 'alice' })
 * await transport.sendMail({ to: inbox.address, subject: 'Hi', text: 'Hello', from: 'app@example.com' })
 * const email = await inbox.waitForEmail({ subject: 'Hi' })
 */
export async function startInboxServer(options: InboxServerOptions = {}): Promise<StartedInboxServer> {
  const host = options.host ?? '127.0.0.1'
  const domain = options.domain ?? 'inbox.test'
  const hostname = options.hostname ?? 'mailwright.localhost'
  const maxMessageSize = options.maxMessageSize ?? 25 * 1024 * 1024
  checkPort('smtpPort', options.smtpPort ?? 0)
  if (options.httpPort !== false) checkPort('httpPort', options.httpPort ?? 0)
  if (!/^[A-Za-z0-9.-]+$/.test(domain))
    throw new InvalidArgumentError('domain', domain, 'a domain name such as inbox.test')
  if (!Number.isInteger(maxMessageSize) || maxMessageSize < 1024) {
    throw new InvalidArgumentError('maxMessageSize', maxMessageSize, 'a whole number of bytes >= 1024')
  }
  const bareLineEndings = options.bareLineEndings ?? 'reject'
  if (bareLineEndings !== 'reject' && bareLineEndings !== 'accept') {
    throw new InvalidArgumentError('bareLineEndings', bareLineEndings, '"reject" or "accept"')
  }
  const tlsOption = options.tls ?? true
  const tls = tlsOption === true ? generateCertificate(hostname) : tlsOption

  const store = new EmailStore({
    retention: options.retention,
    codes: options.codes,
    sendingProfile: options.sendingProfile,
    patternBudgetMs: options.patternBudgetMs,
    parseBudgetMs: options.parseBudgetMs,
  })
  const usedIds = new Set<string>()
  const createAddress = (name = 'test') => {
    let address: string
    do address = inboxAddress(name, domain)
    while (usedIds.has(address))
    usedIds.add(address)
    return address
  }

  const faults = new SmtpFaults(options.faults)
  const smtpServer = createSmtpListener({
    store,
    faults,
    hostname,
    maxMessageSize,
    tls,
    auth: options.auth ?? {},
    bareLineEndings,
    maxClients: options.maxClients ?? 1000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 5 * 60_000,
  })
  let httpServer: Server | undefined
  let ready = false
  const smtpAddress = { host, port: 0 }
  try {
    smtpAddress.port = await listen(smtpServer.server, host, options.smtpPort ?? 0, 'SMTP')
    if (options.httpPort !== false) {
      let hosts: string[] = []
      httpServer = createHttpApi({
        store,
        faults,
        createAddress,
        domain,
        ready: () => ready,
        smtp: () => smtpAddress,
        allowedHosts: () => hosts,
        allowedOrigins: options.allowedOrigins ?? [],
        ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
      })
      const port = await listen(httpServer, host, options.httpPort ?? 0, 'HTTP')
      hosts = allowedHosts(host, port, options.allowedHosts ?? [])
    }
  } catch (error) {
    await closeAll(smtpServer, httpServer, store)
    throw error
  }
  ready = true
  // After ready, on threads: start-up is not delayed, and neither is the first wait. A short delay first:
  // a server stopped at once (a script, a unit test) never starts threads it would not use, while a test
  // runner's workers take longer than this to start.
  if (options.warmUp !== false) setTimeout(() => void store.warmUp(), WARM_UP_DELAY_MS).unref()
  const httpPort = httpServer ? (httpServer.address() as AddressInfo).port : undefined
  const urlHost = host.includes(':') ? `[${host}]` : host
  // A server on every interface is opened in a browser on this machine by its loopback address.
  const uiHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : urlHost
  if (httpPort !== undefined) store.webUi = `http://${uiHost}:${httpPort}`
  const backend: InboxBackend = {
    wait: (request, signal) => store.wait(request, signal),
    list: (address, query) => store.list(address, query),
    simulate: async (address, fault) => {
      faults.add(address, fault)
    },
    attempts: async (address) => faults.attempts(address),
    release: async (address) => {
      faults.clear(address)
    },
    ...(store.webUi
      ? { viewUrl: (address: string) => webUiUrl(store.webUi as string, { inbox: address }) }
      : {}),
  }
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= closeAll(smtpServer, httpServer, store)
    return stopping
  }
  return {
    smtp: {
      host,
      port: smtpAddress.port,
      secure: false,
      starttls: tls !== false,
      ...(tlsOption === true && tls ? { ca: tls.cert } : {}),
    },
    url: httpPort === undefined ? undefined : `http://${urlHost}:${httpPort}`,
    domain,
    createInbox: (inboxOptions = {}) => {
      const { name, ...rest } = inboxOptions
      return inboxFromBackend(createAddress(name), backend, rest)
    },
    createAddress,
    provider: () => ({
      url: httpPort === undefined ? undefined : `http://${urlHost}:${httpPort}`,
      smtp: { host, port: smtpAddress.port },
      capture: true,
      createInbox: async (name) => inboxFromBackend(createAddress(name), backend),
    }),
    stats: () => ({ ...store.stats(), addresses: usedIds.size }),
    faults: faults.serverFaults(),
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

function checkPort(name: string, port: unknown): void {
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    throw new InvalidArgumentError(name, port, 'a port number from 0 to 65535 (0 picks a free port)')
  }
}

function listen(
  server: Server | SMTPServer['server'],
  host: string,
  port: number,
  what: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? `port ${port} is already in use; stop the other server or choose another port (0 picks a free one)`
          : error.message
      reject(
        new InvalidArgumentError(`${what.toLowerCase()}Port`, port, `a free port on ${host} (${hint})`, {
          cause: error,
        }),
      )
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

// The names a client may put in Host: the bound address, the loopback names when bound to loopback, and
// the configured ones (with this port when they name none).
function allowedHosts(host: string, port: number, extra: string[]): string[] {
  const bracket = (name: string) => (name.includes(':') && !name.startsWith('[') ? `[${name}]` : name)
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost'
  const names = [host, ...(loopback ? ['127.0.0.1', 'localhost', '::1'] : []), ...extra]
  return [
    ...new Set(
      names.flatMap((name) => {
        const lower = name.toLowerCase()
        const hasPort = lower.startsWith('[') ? /\]:\d+$/.test(lower) : /^[^:]+:\d+$/.test(lower)
        return hasPort ? [lower] : [`${bracket(lower)}:${port}`]
      }),
    ),
  ]
}

async function closeAll(smtp: CaptureSmtpServer, http: Server | undefined, store: EmailStore): Promise<void> {
  // Stop taking connections, then tell everyone still here: pending waits get a 503 (in process an
  // InboxStoppedError), event streams a shutdown event, SMTP sessions 421 4.3.2.
  const smtpClosed = new Promise<void>((resolve) => smtp.close(() => resolve()))
  const httpClosed = http ? new Promise<void>((resolve) => http.close(() => resolve())) : Promise.resolve()
  store.close()
  smtp.shutDown()
  if (http) {
    // The answers above are written on the next turns of the event loop; then idle keep-alive
    // connections close, and anything still open after a grace second is cut.
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    http.closeIdleConnections()
    const cut = setTimeout(() => http.closeAllConnections(), 1000)
    cut.unref()
    await httpClosed
    clearTimeout(cut)
  }
  await smtpClosed
}

import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  type EmailAuth,
  type EmailQuery,
  InboxStoppedError,
  InvalidArgumentError,
  PatternTimeoutError,
} from '@mailwright/core'
import {
  analyzeHeaders,
  DOCS_URL,
  emailToJson,
  errorDetail,
  renderEmailHtml,
  validateQuery,
} from '@mailwright/core/internal'
import { type EmailStore, type StoredEmail, sliceClock } from './email-store.js'
import type { SmtpFaults } from './smtp-faults.js'
import { serveWebUi } from './web-ui.js'

/** What the HTTP API needs from the running server. */
export interface HttpApiContext {
  store: EmailStore
  /** Simulated faults and the attempts they act on. */
  faults: SmtpFaults
  createAddress(name?: string): string
  ready(): boolean
  smtp(): { host: string; port: number }
  /** The domain of the addresses this server hands out (clients make addresses without asking). */
  domain: string
  /**
   * The `Host` values the API answers (`127.0.0.1:8025`, `localhost:8025`, …): anything else is a web page
   * reaching it by another name (DNS rebinding) and is refused.
   */
  allowedHosts(): readonly string[]
  /** Origins whose pages may call the API (CORS). Default none: a page on another origin gets nothing. */
  allowedOrigins?: readonly string[]
  /** The id of the configuration that started the server (`GET /readyz/<fingerprint>`). */
  fingerprint?: string
  /** The time a request (headers and body) has to arrive; later it is answered 408. Default 30 s. */
  requestTimeoutMs?: number
}

const MAX_WAIT_MS = 10 * 60 * 1000
/** This package's version, for `GET /readyz` and the reuse check. */
export const INBOX_SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

function identity(context: HttpApiContext) {
  return {
    domain: context.domain,
    server: 'mailwright',
    version: INBOX_SERVER_VERSION,
    ...(context.fingerprint ? { fingerprint: context.fingerprint } : {}),
  }
}
const MAX_BODY = 1024 * 1024
const SSE_HEARTBEAT_MS = 15_000

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    /** Close the connection after answering (the request was not read to its end). */
    readonly close = false,
  ) {
    super(message)
  }
}

/**
 * The capture's HTTP API (JSON). Waits are long-polls answered the moment a matching email is stored;
 * `/api/events` streams every stored email as server-sent events. Documented in docs/http-api.md.
 */
export function createHttpApi(context: HttpApiContext): Server {
  const requestTimeout = context.requestTimeoutMs ?? 30_000
  // Node checks the request deadline on this interval (30 s by default, too coarse for the deadline).
  const server = createServer(
    { connectionsCheckingInterval: Math.min(5000, requestTimeout / 2) },
    (req, res) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
      Promise.resolve()
        .then(() => guard(context, req, res))
        .then((answered): Promise<void> | undefined => (answered ? undefined : handle(context, req, res)))
        .catch((error: unknown) => sendError(res, error))
    },
  )
  // The whole request (headers and body) must arrive within this; the response of a long-poll may then
  // take minutes, which this does not limit. A body that never comes is answered 408 and closed.
  server.requestTimeout = requestTimeout
  server.headersTimeout = requestTimeout
  server.keepAliveTimeout = 65_000
  return server
}

// Everything this API serves is data, and some of it is captured bytes anyone could have written: no
// response may run as a page on this origin, be sniffed into one, or be framed.
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
}

/**
 * Refuses what a web page may send: a `Host` the server is not bound to (DNS rebinding), a request from
 * another site (by `Origin` or `Sec-Fetch-Site`), and a POST that is not JSON (a cross-site form or
 * `text/plain` POST needs no preflight). Answers CORS only for configured origins. True when answered.
 */
function guard(context: HttpApiContext, req: IncomingMessage, res: ServerResponse): boolean {
  const host = (req.headers.host ?? '').toLowerCase()
  const hosts = context.allowedHosts()
  if (!hosts.includes(host)) {
    throw new HttpError(
      403,
      'HOST_NOT_ALLOWED',
      `Host ${JSON.stringify(host)} is not one this server answers to (${hosts.join(', ')}): a web page may be reaching it by another name (DNS rebinding). To serve other names, list them: startInboxServer({ allowedHosts }) or mailwright serve --allowed-host.`,
    )
  }
  const origin = req.headers.origin
  const allowed = origin !== undefined && (context.allowedOrigins ?? []).includes(origin)
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('vary', 'Origin')
  }
  const sameOrigin = origin === undefined || origin === `http://${host}`
  const site = req.headers['sec-fetch-site']
  const crossSite = !sameOrigin || (site !== undefined && site !== 'same-origin' && site !== 'none')
  // A link to the web UI from another page (a report, a dashboard) opens it: the page is static, holds no
  // data, cannot be framed, and what it then asks for is same-origin.
  const opensUi =
    (req.method === 'GET' || req.method === 'HEAD') &&
    req.headers['sec-fetch-mode'] === 'navigate' &&
    req.headers['sec-fetch-dest'] === 'document' &&
    (req.url ?? '').split('?')[0] === '/'
  if (crossSite && !allowed && !opensUi) {
    throw new HttpError(
      403,
      'CROSS_SITE',
      `Requests from ${origin ?? `another site (Sec-Fetch-Site: ${site})`} are refused: a page in the browser must not read or drive the inbox. To let a page of yours use the API, list its origin: startInboxServer({ allowedOrigins }) or mailwright serve --allow-origin.`,
    )
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
    })
    res.end()
    return true
  }
  if (req.method === 'POST' && !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(
      415,
      'JSON_REQUIRED',
      `POST bodies must be JSON with content-type application/json (got ${JSON.stringify(req.headers['content-type'] ?? 'none')}): a form or text/plain POST could come from any web page.`,
    )
  }
  return false
}

async function handle(context: HttpApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestUrl(req.url ?? '/')
  const path = url.pathname.replace(/\/+$/, '') || '/'
  const method = req.method ?? 'GET'
  const { store } = context

  if (path === '/' || path.startsWith('/ui/')) {
    return route(method, ['GET', 'HEAD'], () => {
      if (!serveWebUi(path, req, res))
        throw new HttpError(404, 'NOT_FOUND', `No file ${path} in the web UI; the UI is at /.`)
    })
  }
  if (path === '/livez') return route(method, ['GET', 'HEAD'], () => sendJson(res, 200, { status: 'ok' }))
  if (path === '/readyz') {
    return route(method, ['GET', 'HEAD'], () =>
      context.ready()
        ? sendJson(res, 200, { status: 'ready', smtp: context.smtp(), ...identity(context) })
        : sendJson(res, 503, { status: 'starting' }),
    )
  }
  const readyFor = /^\/readyz\/([\w.-]{1,128})$/.exec(path)?.[1]
  if (readyFor !== undefined) {
    // Ready *for this configuration*: what a runner asks before reusing a server already on its ports.
    return route(method, ['GET', 'HEAD'], () => {
      if (!context.ready()) return sendJson(res, 503, { status: 'starting' })
      if (readyFor === context.fingerprint)
        return sendJson(res, 200, { status: 'ready', smtp: context.smtp(), ...identity(context) })
      throw new HttpError(
        409,
        'OTHER_CONFIGURATION',
        `This Mailwright inbox ${INBOX_SERVER_VERSION} was started ${context.fingerprint ? `with other options (configuration ${context.fingerprint}, not ${readyFor})` : 'without a configuration id (not by inboxServer())'}: it is not the one this run would start. Stop it, or give this run other ports.`,
      )
    })
  }
  if (path === '/api') {
    // Where `mailwright serve` says the API is: the routes, and where they are described.
    return route(method, ['GET', 'HEAD'], () =>
      sendJson(res, 200, {
        docs: `${DOCS_URL}/http-api.md`,
        routes: [
          'GET /api/stats',
          'POST /api/inboxes',
          'GET /api/emails',
          'DELETE /api/emails',
          'GET /api/emails/:id',
          'DELETE /api/emails/:id',
          'GET /api/emails/:id/raw',
          'GET /api/emails/:id/html',
          'GET /api/emails/:id/headers',
          'GET /api/emails/:id/attachments/:index',
          'POST /api/wait',
          'GET /api/events',
          'GET /api/faults',
          'GET /api/inboxes/:address/faults',
          'POST /api/inboxes/:address/faults',
          'DELETE /api/inboxes/:address/faults',
          'GET /api/inboxes/:address/attempts',
        ],
        ...identity(context),
      }),
    )
  }
  if (path === '/api/stats') return route(method, ['GET'], () => sendJson(res, 200, store.stats()))
  if (path === '/api/inboxes') {
    return route(method, ['POST'], async () => {
      const body = await readJson(req)
      knownFields(body, ['name'])
      const name = body.name
      if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,40}$/.test(name))) {
        throw badParameter('name', name, 'letters, digits, ".", "_" or "-" (1 to 40 characters)')
      }
      sendJson(res, 201, { address: context.createAddress(name) })
    })
  }
  if (path === '/api/emails') {
    if (method === 'DELETE') {
      return sendJson(res, 200, { deleted: store.clear(addressParam(url)) })
    }
    return route(method, ['GET'], async () => {
      const address = addressParam(url)
      const query = parseQueryParam(url.searchParams.get('query'))
      const limit = parseIntParam(url.searchParams, 'limit', 1, 10_000) ?? 1000
      const includeRaw = parseInclude(url.searchParams)
      const format = parseFormat(url.searchParams)
      const newestFirst = parseOrder(url.searchParams)
      const gone = new AbortController()
      res.once('close', () => gone.abort())
      const found = await store.listStored(address, query, limit, gone.signal, newestFirst)
      if (format === 'summary') {
        return sendJsonList(res, found, (email) => JSON.stringify(summaryJson(store, email)))
      }
      if (format === 'raw') {
        const auths = await inWindow(found, gone.signal, (email) => store.auth(email))
        return sendJsonList(res, found, (email, i) => JSON.stringify(rawEmailJson(email, auths[i])))
      }
      // Each email's JSON text is made on a parse thread, a few at a time (each job copies the bytes it
      // sends): the event loop only joins strings.
      const texts = await inWindow(found, gone.signal, (email) => store.json(email, includeRaw))
      return sendJsonList(res, texts, (text) => text)
    })
  }
  if (path === '/api/faults') {
    return route(method, ['GET'], () =>
      sendJson(res, 200, { server: context.faults.serverFaults().map((f) => f.description) }),
    )
  }
  const inbox = /^\/api\/inboxes\/([^/]+)\/(faults|attempts)$/.exec(path)
  if (inbox) {
    const address = decodePathSegment(inbox[1] as string, 'address')
    if (!/^[^\s@]{1,64}@[^\s@]{1,253}$/.test(address))
      throw badParameter('address', address, 'an email address such as test+k3f9x2ab@inbox.test')
    const { faults } = context
    if (inbox[2] === 'attempts') {
      return route(method, ['GET'], () => sendJson(res, 200, { address, attempts: faults.attempts(address) }))
    }
    return route(method, ['GET', 'POST', 'DELETE'], async () => {
      if (method === 'DELETE') return sendJson(res, 200, { address, cleared: faults.clear(address) })
      if (method === 'GET')
        return sendJson(res, 200, { address, faults: faults.faults(address).map((f) => f.description) })
      const body = await readJson(req)
      let added: string
      try {
        added = faults.add(address, body).description
      } catch (error) {
        if (error instanceof InvalidArgumentError)
          throw new HttpError(400, error.code, error.detail, error.parameter)
        throw error
      }
      sendJson(res, 201, { address, added, faults: faults.faults(address).map((f) => f.description) })
    })
  }
  if (path === '/api/wait') return route(method, ['POST'], () => handleWait(context, req, res))
  if (path === '/api/events') return route(method, ['GET'], () => handleEvents(context, url, req, res))

  const match = /^\/api\/emails\/([^/]+)(?:\/(raw|html|headers|attachments\/(\d+)))?$/.exec(path)
  if (match) {
    const id = decodePathSegment(match[1] as string, 'id')
    const stored = store.get(id)
    if (!stored) {
      throw new HttpError(
        404,
        'EMAIL_NOT_FOUND',
        `No email with id ${JSON.stringify(id)}: it was never stored, was deleted, or was evicted by retention (see /api/stats).`,
      )
    }
    if (match[2] === 'raw') {
      return route(method, ['GET'], () => {
        res.writeHead(200, {
          'content-type': 'message/rfc822',
          'content-length': stored.raw.length,
          'content-disposition': downloadAs(`${id}.eml`),
        })
        res.end(stored.raw)
      })
    }
    if (match[2] === 'html') {
      return route(method, ['GET'], async () => {
        const images = choiceParam(
          url.searchParams,
          'images',
          ['remote', 'none'],
          '"remote" (load the email\'s remote images) or "none"',
        )
        const scheme = choiceParam(url.searchParams, 'scheme', ['light', 'dark'], '"light" or "dark"')
        const { html, contentSecurityPolicy } = renderEmailHtml(await store.parsed(stored), {
          remoteImages: images === 'remote',
          scheme: scheme ?? 'light',
        })
        const body = Buffer.from(html)
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': body.length,
          'content-security-policy': contentSecurityPolicy,
          // Chromium resolves <link rel=dns-prefetch> names unless told not to: a lookup is a fetch.
          'x-dns-prefetch-control': 'off',
          'cache-control': 'no-store',
        })
        res.end(body)
      })
    }
    if (match[2] === 'headers') {
      return route(method, ['GET'], async () => {
        const auth = await store.auth(stored)
        sendJson(res, 200, { ...analyzeHeaders(stored.head), auth })
      })
    }
    if (match[3] !== undefined) {
      return route(method, ['GET'], async () => {
        const email = await store.parsed(stored)
        const index = Number(match[3])
        const attachment = email.attachments[index]
        if (!attachment) {
          throw new HttpError(
            404,
            'ATTACHMENT_NOT_FOUND',
            `Email ${id} has ${email.attachments.length} attachment(s); index ${index} does not exist (indexes start at 0).`,
          )
        }
        const content = attachment.content()
        // A download, never a page: a sender's HTML or SVG must not run on the inbox's origin.
        res.writeHead(200, {
          'content-type': safeContentType(attachment.contentType),
          'content-length': content.length,
          'content-disposition': downloadAs(attachment.filename ?? `attachment-${index}`),
        })
        res.end(content)
      })
    }
    if (method === 'DELETE') {
      store.delete(id)
      res.writeHead(204)
      res.end()
      return
    }
    return route(method, ['GET'], async () => {
      const email = await store.parsed(stored)
      sendJson(
        res,
        200,
        emailToJson(email, {
          captureWarnings: stored.captureWarnings,
          includeRaw: parseInclude(url.searchParams),
        }),
      )
    })
  }
  throw new HttpError(404, 'NOT_FOUND', `No route ${method} ${path}. See docs/http-api.md for the API.`)
}

async function handleWait(context: HttpApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req)
  // A typo ("timout") must not silently wait the default: unknown fields are refused, as in the query.
  knownFields(body, ['address', 'query', 'count', 'timeout', 'exclude', 'notBefore'])
  const address = body.address
  if (typeof address !== 'string' || !address.includes('@'))
    throw badParameter('address', address, 'an email address')
  const query = validateQueryParam(body.query, 'query')
  // Only an absent field takes its default: null is a value, and not a usable one.
  const count = body.count === undefined ? 1 : body.count
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 1000) {
    throw badParameter('count', count, 'a whole number from 1 to 1000')
  }
  const timeout = body.timeout === undefined ? 10_000 : body.timeout
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0 || timeout > MAX_WAIT_MS) {
    throw badParameter('timeout', timeout, `milliseconds from 0 to ${MAX_WAIT_MS}`)
  }
  const exclude = body.exclude === undefined ? [] : body.exclude
  if (!Array.isArray(exclude) || !exclude.every((e) => typeof e === 'string')) {
    throw badParameter('exclude', exclude, 'an array of email ids')
  }
  const notBefore = body.notBefore === undefined ? new Date(0) : new Date(body.notBefore as string)
  if (Number.isNaN(notBefore.getTime())) throw badParameter('notBefore', body.notBefore, 'an ISO 8601 date')

  const controller = new AbortController()
  res.on('close', () => {
    if (!res.writableEnded) controller.abort(new Error('client went away'))
  })
  let result: Awaited<ReturnType<EmailStore['waitStored']>>
  try {
    result = await context.store.waitStored(
      { address, query, count: count as number, timeoutMs: timeout, exclude, notBefore },
      controller.signal,
    )
  } catch (error) {
    if (controller.signal.aborted) return
    throw error
  }
  if (result.status === 'timeout') return sendJson(res, 200, result)
  // Only what the client needs to rebuild the email with the same parser: no server-side parse here.
  const auths = await Promise.all(result.emails.map((email) => context.store.auth(email)))
  sendJson(res, 200, { status: 'ok', emails: result.emails.map((email, i) => rawEmailJson(email, auths[i])) })
}

// An email as its raw bytes and what the SMTP side knew: the client parses it with the server's parser.
function rawEmailJson(email: StoredEmail, auth: EmailAuth | undefined) {
  return {
    id: email.id,
    envelope: email.envelope,
    receivedAt: email.receivedAt.toISOString(),
    captureWarnings: email.captureWarnings,
    raw: email.raw.toString('base64'),
    auth,
  }
}

function handleEvents(context: HttpApiContext, url: URL, req: IncomingMessage, res: ServerResponse): void {
  const address = addressParam(url)?.toLowerCase()
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  })
  res.write(': connected\n\n')
  // A client gone away (or one that stopped reading) must never make a write throw: the error would be
  // unhandled and end the process.
  res.on('error', () => {})
  const send = (text: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(text)
  }
  const onEmail = (email: StoredEmail) => {
    if (address && !email.recipients.includes(address)) return
    // After the SMTP reply: the overview (a header parse) is never made on the reply path.
    setImmediate(() => sendEvent(email))
  }
  const sendEvent = (email: StoredEmail) => {
    if (context.store.get(email.id) !== email) return
    send(`id: ${email.id}\nevent: email\ndata: ${JSON.stringify(summaryJson(context.store, email))}\n\n`)
  }
  // Deletions go out together once per turn: clearing 10,000 emails is one event, not 10,000.
  let removed: string[] = []
  const onRemove = (email: StoredEmail) => {
    if (address && !email.recipients.includes(address)) return
    if (removed.length === 0) setImmediate(flushRemoved)
    removed.push(email.id)
  }
  const flushRemoved = () => {
    const ids = removed
    removed = []
    send(`event: deleted\ndata: ${JSON.stringify({ ids })}\n\n`)
  }
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), SSE_HEARTBEAT_MS)
  heartbeat.unref()
  const stopListening = () => {
    clearInterval(heartbeat)
    context.store.off('email', onEmail)
    context.store.off('remove', onRemove)
    context.store.off('close', onClose)
  }
  // A stopping server says so to every stream before it hangs up.
  const onClose = () => {
    stopListening()
    send('event: shutdown\ndata: {"reason":"the inbox server is stopping"}\n\n')
    res.end()
  }
  context.store.on('email', onEmail)
  context.store.on('remove', onRemove)
  context.store.once('close', onClose)
  req.on('close', stopListening)
}

/** What a listing (`format=summary`) and an `email` event say of an email: what the list shows. */
function summaryJson(store: EmailStore, email: StoredEmail) {
  const overview = store.overview(email)
  return {
    id: email.id,
    envelope: email.envelope,
    subject: overview.subject,
    from: overview.from,
    to: overview.to,
    size: email.size,
    receivedAt: email.receivedAt.toISOString(),
    ...(email.captureWarnings.length > 0 ? { captureWarnings: email.captureWarnings } : {}),
  }
}

// Types a browser shows without running anything; every other type is served as bytes to save.
const INERT_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/zip',
  'application/octet-stream',
])

function safeContentType(declared: string): string {
  const type = declared.split(';')[0]?.trim().toLowerCase() ?? ''
  return INERT_TYPES.has(type) ? type : 'application/octet-stream'
}

// RFC 6266: a plain ASCII name for old clients and the exact one percent-encoded (RFC 8187).
function downloadAs(written: string): string {
  // A decoded filename may hold a lone surrogate, which encodeURIComponent refuses; RFC 8187 also wants
  // ' ( ) * encoded.
  const filename = written.toWellFormed()
  const plain = filename.replace(/[^\x20-\x7e]|["\\/]/g, '_')
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(filename.replace(/[\\/]/g, '_')).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`
}

// The request target is taken as a path: "//x" is not a host, and a target no URL can hold is a 400.
function requestUrl(target: string): URL {
  try {
    return new URL(`http://localhost${target.startsWith('/') ? '' : '/'}${target}`)
  } catch {
    throw new HttpError(
      400,
      'INVALID_PATH',
      `The request path ${JSON.stringify(target.slice(0, 200))} is not a URL path; see docs/http-api.md for the API.`,
    )
  }
}

// A path is anyone's text: "%" or "%E0%A4%A" is a bad request, not a server error.
function decodePathSegment(segment: string, parameter: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw badParameter(parameter, segment, 'a percent-encoded path segment (a bare "%" must be written %25)')
  }
}

async function route(method: string, allowed: string[], run: () => unknown): Promise<void> {
  if (!allowed.includes(method)) {
    throw new HttpError(
      405,
      'METHOD_NOT_ALLOWED',
      `Method ${method} is not allowed here; use ${allowed.join(' or ')}.`,
    )
  }
  await run()
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) {
      throw new HttpError(
        413,
        'BODY_TOO_LARGE',
        `Request body over ${MAX_BODY} bytes; send at most ${MAX_BODY} bytes.`,
        undefined,
        true,
      )
    }
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (error) {
    throw new HttpError(
      400,
      'INVALID_JSON',
      `The request body is not valid JSON (${(error as Error).message}). Send a JSON object with content-type application/json.`,
    )
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'INVALID_JSON', 'The request body must be a JSON object.')
  }
  return body as Record<string, unknown>
}

function parseQueryParam(value: string | null): EmailQuery {
  if (value === null || value === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw badParameter('query', value, 'a JSON object such as {"subject":{"regex":"Verify","flags":"i"}}')
  }
  return validateQueryParam(parsed, 'query')
}

function validateQueryParam(value: unknown, name: string): EmailQuery {
  try {
    return validateQuery(value, name)
  } catch (error) {
    if (error instanceof InvalidArgumentError)
      throw new HttpError(400, 'INVALID_PARAMETER', error.detail, error.parameter)
    throw error
  }
}

/**
 * The `address` query parameter. Every generated address has a `+` (alice+k3f9x2@…), which a query string
 * written by hand or by form encoding turns into a space; an address has no unquoted space, so it is a `+`.
 */
function addressParam(url: URL): string | undefined {
  return url.searchParams.get('address')?.replaceAll(' ', '+') ?? undefined
}

function parseIntParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const value = params.get(name)
  if (value === null) return undefined
  const number = Number(value)
  if (!Number.isInteger(number) || number < min || number > max) {
    throw badParameter(name, value, `a whole number from ${min} to ${max}`)
  }
  return number
}

// A parameter that takes one of a few words; absent (or empty) is undefined, anything else a 400.
function choiceParam<T extends string>(
  params: URLSearchParams,
  name: string,
  choices: readonly T[],
  expected: string,
): T | undefined {
  const value = params.get(name)
  if (value === null || value === '') return undefined
  if (!(choices as readonly string[]).includes(value)) throw badParameter(name, value, expected)
  return value as T
}

function parseFormat(params: URLSearchParams): 'full' | 'raw' | 'summary' {
  return (
    choiceParam(
      params,
      'format',
      ['full', 'raw', 'summary'],
      '"raw" (id, envelope, receivedAt, captureWarnings, auth and raw only), "summary" (what a list shows: id, envelope, subject, from, to, size, receivedAt) or "full"',
    ) ?? 'full'
  )
}

function parseOrder(params: URLSearchParams): boolean {
  return choiceParam(params, 'order', ['oldest', 'newest'], '"oldest" (the default) or "newest"') === 'newest'
}

function parseInclude(params: URLSearchParams): boolean {
  return choiceParam(params, 'include', ['raw'], '"raw" (adds the base64 raw bytes)') === 'raw'
}

function knownFields(body: Record<string, unknown>, known: string[]): void {
  for (const key of Object.keys(body)) {
    if (!known.includes(key))
      throw badParameter(key, body[key], `one of the known fields: ${known.join(', ')}`)
  }
}

function badParameter(parameter: string, value: unknown, expected: string): HttpError {
  const error = new InvalidArgumentError(parameter, value, expected)
  return new HttpError(400, 'INVALID_PARAMETER', error.detail, parameter)
}

// Runs `work` on every item, at most WINDOW at a time, in order; stops starting new work once the client
// has gone.
const WINDOW = 8
async function inWindow<T, R>(
  items: readonly T[],
  signal: AbortSignal,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length && !signal.aborted) {
      const i = next++
      results[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(WINDOW, items.length) }, lane))
  return results
}

// `{"emails":[…]}` written an email at a time, giving the event loop a turn every slice, so a listing of
// thousands of emails never holds SMTP or another request while it is turned into JSON.
async function sendJsonList<T>(
  res: ServerResponse,
  items: readonly T[],
  toJson: (item: T, index: number) => string,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
  const tick = sliceClock()
  let chunk = '{"emails":['
  for (const [i, item] of items.entries()) {
    if (res.destroyed) return
    chunk += `${i === 0 ? '' : ','}${toJson(item, i)}`
    if (chunk.length >= 64 * 1024) {
      const flushed = res.write(chunk)
      chunk = ''
      if (!flushed) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done).off('close', done)
            resolve()
          }
          res.on('drain', done).on('close', done)
        })
      }
    }
    await tick()
  }
  res.end(`${chunk}]}`)
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  if (error instanceof HttpError) {
    if (error.close) {
      // The rest of the body was never read, so this connection cannot serve another request. Say so, and
      // once the answer is out, discard what still comes and hang up (closing at once could reset the
      // connection before the client reads the answer).
      res.setHeader('connection', 'close')
      res.once('finish', () => {
        const socket = res.req.socket
        res.req.resume()
        socket?.end()
        setTimeout(() => socket?.destroy(), 1000).unref()
      })
    }
    sendJson(res, error.status, {
      error: {
        code: error.code,
        message: error.message,
        ...(error.parameter ? { parameter: error.parameter } : {}),
      },
    })
    return
  }
  if (error instanceof InboxStoppedError) {
    res.setHeader('connection', 'close')
    sendJson(res, 503, { error: { code: error.code, message: error.detail } })
    return
  }
  if (error instanceof PatternTimeoutError) {
    sendJson(res, 422, { error: { code: error.code, message: error.detail, pattern: error.pattern } })
    return
  }
  const message = errorDetail(error)
  sendJson(res, 500, { error: { code: 'INTERNAL', message } })
}

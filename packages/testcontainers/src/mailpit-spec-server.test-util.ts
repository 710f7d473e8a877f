// A stand-in for Mailpit that serves exactly Mailpit's published API description (test/fixtures/
// mailpit-swagger.json) and nothing else: every request is matched to an operation of the description
// (path, method, declared query parameters) and every JSON answer is checked against the operation's
// response schema. What breaks either rule is recorded in `violations`, which tests assert empty. Mail comes
// in over real SMTP (smtp-server); Mailpit's behaviours that the description does not state (envelope
// recipients missing from the headers listed as Bcc, the `new` websocket event) follow Mailpit's source, as
// test/fixtures/README.md says. It depends on nothing of Mailwright's, so scripts/build-images.sh can also
// run it as `/mailpit` in a test image (it listens where MP_SMTP_BIND_ADDR and MP_UI_BIND_ADDR say, answers
// `/readyz`, and prints every violation): that is how MailpitContainer itself is exercised.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { type AddressObject, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { WebSocketServer } from 'ws'

type Schema = {
  $ref?: string
  type?: string
  properties?: Record<string, Schema>
  items?: Schema
  additionalProperties?: Schema | boolean
  format?: string
}
interface Operation {
  operationId: string
  parameters?: { name: string; in: string; type?: string; required?: boolean }[]
  responses: Record<string, { $ref?: string; schema?: Schema }>
}
interface Spec {
  paths: Record<string, Record<string, Operation>>
  definitions: Record<string, Schema>
  responses: Record<string, { schema?: Schema }>
}

export const MAILPIT_SPEC: Spec = JSON.parse(
  readFileSync(
    process.env.MAILPIT_SWAGGER ?? new URL('../test/fixtures/mailpit-swagger.json', import.meta.url),
    'utf8',
  ),
)

interface Address {
  Name: string
  Address: string
}
interface Stored {
  id: string
  created: string
  raw: Buffer
  mailFrom: string
  rcptTo: string[]
  from: Address
  to: Address[]
  cc: Address[]
  bcc: Address[]
  subject: string
  messageId: string
}

export interface MailpitSpecServer {
  apiUrl: string
  smtp: { host: string; port: number }
  /** Operation ids the clients used, in order. */
  operations: string[]
  /** Requests outside the description and answers that do not fit its schemas. */
  violations: string[]
  /** Websocket connections opened so far. */
  readonly eventConnections: number
  /** Cuts every websocket client off, as a Mailpit restart would. */
  dropEventClients(): void
  stop(): Promise<void>
}

export async function startMailpitSpecServer(
  listen: { smtp?: [string, number]; http?: [string, number] } = {},
  onViolation: (violation: string) => void = () => {},
): Promise<MailpitSpecServer> {
  const messages: Stored[] = []
  const operations: string[] = []
  const violations: string[] = []
  // Every violation is also reported as it happens (the image prints them to its log).
  const violate = (violation: string) => {
    violations.push(violation)
    onViolation(violation)
  }
  let eventConnections = 0

  const http = createServer((request, response) => {
    try {
      handle(request, response)
    } catch (error) {
      violate(`${request.method} ${request.url}: ${(error as Error).message}`)
      response.writeHead(500).end()
    }
  })
  const events = new WebSocketServer({ noServer: true })
  http.on('upgrade', (request, socket, head) => {
    if (request.url !== '/api/events') {
      violate(`websocket ${request.url}: Mailpit's websocket is /api/events`)
      socket.destroy()
      return
    }
    eventConnections += 1
    events.handleUpgrade(request, socket, head, (ws) => events.emit('connection', ws))
  })

  function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://stand-in')
    const method = (request.method ?? 'GET').toLowerCase()
    // Mailpit's health endpoints are documented on its site, not in the API description.
    if (url.pathname === '/readyz' || url.pathname === '/livez') {
      response.writeHead(200).end('ok')
      return
    }
    const match = matchOperation(url.pathname, method)
    if (!match) {
      violate(`${request.method} ${url.pathname}: not in Mailpit's API description`)
      response.writeHead(404).end('not in the description')
      return
    }
    const { operation, params } = match
    operations.push(operation.operationId)
    for (const [name, value] of url.searchParams) {
      const declared = operation.parameters?.find((p) => p.in === 'query' && p.name === name)
      if (!declared) violate(`${operation.operationId}: query parameter "${name}" is not declared`)
      else if (declared.type === 'integer' && !/^-?\d+$/.test(value))
        violate(`${operation.operationId}: "${name}=${value}" is not an integer`)
    }
    const reply = (status: number, body: unknown, type = 'application/json') => {
      const declared = operation.responses[String(status)]
      if (!declared) violate(`${operation.operationId}: status ${status} is not declared`)
      const schema =
        declared &&
        (declared.$ref
          ? MAILPIT_SPEC.responses[declared.$ref.split('/').pop() as string]?.schema
          : declared.schema)
      if (type === 'application/json' && schema) {
        for (const problem of validate(body, schema, '$'))
          violate(`${operation.operationId} ${status}: ${problem}`)
      }
      response.writeHead(status, { 'content-type': type })
      response.end(type === 'application/json' ? JSON.stringify(body) : (body as Buffer | string))
    }
    const find = (id: string) => (id === 'latest' ? messages.at(-1) : messages.find((m) => m.id === id))
    switch (operation.operationId) {
      case 'AppInformation':
        return reply(200, {
          Version: 'v1.30.5 (stand-in)',
          LatestVersion: '',
          Database: ':memory:',
          DatabaseSize: 0,
          Messages: messages.length,
          Unread: 0,
          Tags: {},
          RuntimeStats: {
            Uptime: 1,
            Memory: 0,
            MessagesDeleted: 0,
            SMTPAccepted: messages.length,
            SMTPAcceptedSize: 0,
            SMTPRejected: 0,
            SMTPIgnored: 0,
          },
        })
      case 'GetMessagesParams': {
        const start = Number(url.searchParams.get('start') ?? 0)
        const limit = Number(url.searchParams.get('limit') ?? 50)
        const newestFirst = [...messages].reverse()
        return reply(200, {
          total: messages.length,
          unread: 0,
          messages_count: messages.length,
          messages_unread: 0,
          start,
          tags: [],
          messages: newestFirst.slice(start, start + limit).map(summary),
        })
      }
      case 'GetMessageParams': {
        const stored = find(params.ID as string)
        if (!stored) return reply(404, 'message not found', 'text/plain')
        return reply(200, message(stored))
      }
      case 'DownloadRawParams': {
        const stored = find(params.ID as string)
        if (!stored) return reply(404, 'message not found', 'text/plain')
        return reply(200, stored.raw, 'text/plain')
      }
      default:
        violate(`${operation.operationId}: the stand-in does not serve it (the adapter should not need it)`)
        return reply(400, 'not served by the stand-in', 'text/plain')
    }
  }

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks)
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : ''
        const rcptTo = session.envelope.rcptTo.map((r) => r.address)
        const stored: Stored = {
          id: mailpitId(),
          created: new Date().toISOString(),
          raw,
          mailFrom,
          rcptTo,
          ...(await addresses(raw, mailFrom, rcptTo)),
        }
        messages.push(stored)
        const event = JSON.stringify({ Type: 'new', Data: summary(stored) })
        for (const client of events.clients) client.send(event)
        callback()
      })
    },
  })

  const [httpHost, httpAt] = listen.http ?? ['127.0.0.1', 0]
  const [smtpHost, smtpAt] = listen.smtp ?? ['127.0.0.1', 0]
  await new Promise<void>((resolve) => http.listen(httpAt, httpHost, resolve))
  await new Promise<void>((resolve) => smtp.listen(smtpAt, smtpHost, resolve))
  const httpPort = (http.address() as { port: number }).port
  const smtpPort = (smtp.server.address() as { port: number }).port
  return {
    apiUrl: `http://127.0.0.1:${httpPort}`,
    smtp: { host: '127.0.0.1', port: smtpPort },
    operations,
    violations,
    get eventConnections() {
      return eventConnections
    },
    dropEventClients: () => {
      for (const client of events.clients) client.terminate()
    },
    stop: async () => {
      for (const client of events.clients) client.terminate()
      await new Promise((resolve) => events.close(resolve))
      http.closeAllConnections()
      await new Promise((resolve) => http.close(resolve))
      await new Promise<void>((resolve) => smtp.close(() => resolve()))
    },
  }
}

function matchOperation(pathname: string, method: string) {
  for (const [template, methods] of Object.entries(MAILPIT_SPEC.paths)) {
    const names: string[] = []
    const pattern = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
        names.push(name)
        return '([^/]+)'
      })}$`,
    )
    const found = pattern.exec(pathname)
    const operation = methods[method]
    if (found && operation) {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1] as string)]))
      return { operation, params }
    }
  }
  return undefined
}

// Mailpit's header addresses, plus (as Mailpit does) envelope recipients no header names, as Bcc.
async function addresses(raw: Buffer, mailFrom: string, rcptTo: string[]) {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true })
  const list = (field: AddressObject | AddressObject[] | undefined): Address[] =>
    (Array.isArray(field) ? field : field ? [field] : [])
      .flatMap((o) => o.value)
      .filter((a) => a.address)
      .map((a) => ({ Name: a.name ?? '', Address: a.address as string }))
  const to = list(parsed.to)
  const cc = list(parsed.cc)
  const named = new Set([...to, ...cc].map((a) => a.Address.toLowerCase()))
  const bcc = [
    ...list(parsed.bcc),
    ...rcptTo.filter((r) => !named.has(r.toLowerCase())).map((r) => ({ Name: '', Address: r })),
  ]
  const from = list(parsed.from)[0] ?? { Name: '', Address: mailFrom }
  return {
    from,
    to,
    cc,
    bcc,
    subject: parsed.subject ?? '',
    messageId: (parsed.messageId ?? '').replace(/[<>]/g, ''),
  }
}

function summary(stored: Stored) {
  return {
    ID: stored.id,
    MessageID: stored.messageId,
    Read: false,
    From: stored.from,
    To: stored.to,
    Cc: stored.cc,
    Bcc: stored.bcc,
    ReplyTo: [],
    Subject: stored.subject,
    Created: stored.created,
    Username: '',
    Tags: [],
    Size: stored.raw.length,
    Attachments: 0,
    Snippet: '',
  }
}

function message(stored: Stored) {
  return {
    ID: stored.id,
    MessageID: stored.messageId,
    From: stored.from,
    To: stored.to,
    Cc: stored.cc,
    Bcc: stored.bcc,
    ReplyTo: [],
    ReturnPath: stored.mailFrom,
    Subject: stored.subject,
    ListUnsubscribe: { Header: '', Links: [], Errors: '', HeaderPost: '' },
    Date: stored.created,
    Tags: [],
    Username: '',
    Text: '',
    HTML: '',
    Size: stored.raw.length,
    Inline: [],
    Attachments: [],
  }
}

function mailpitId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return [...randomBytes(22)].map((b) => alphabet[b % alphabet.length]).join('')
}

/** The JSON Schema subset Swagger 2.0 uses here: $ref, type, properties, items, additionalProperties. */
export function validate(value: unknown, schema: Schema, path: string): string[] {
  if (schema.$ref) {
    const target = MAILPIT_SPEC.definitions[schema.$ref.replace('#/definitions/', '')]
    return target ? validate(value, target, path) : [`${path}: unknown $ref ${schema.$ref}`]
  }
  const problems: string[] = []
  const is = (type: string) =>
    type === 'integer'
      ? Number.isInteger(value)
      : type === 'array'
        ? Array.isArray(value)
        : type === 'object'
          ? typeof value === 'object' && value !== null && !Array.isArray(value)
          : typeof value === type
  if (schema.type && !is(schema.type))
    return [`${path}: ${JSON.stringify(value)?.slice(0, 40)} is not ${schema.type}`]
  if (schema.format === 'date-time' && Number.isNaN(Date.parse(value as string)))
    problems.push(`${path}: "${value}" is not a date-time`)
  if (schema.type === 'array' && schema.items) {
    for (const [i, item] of (value as unknown[]).entries())
      problems.push(...validate(item, schema.items, `${path}[${i}]`))
  }
  if (schema.type === 'object' || schema.properties) {
    const object = value as Record<string, unknown>
    for (const [key, item] of Object.entries(object)) {
      const property = schema.properties?.[key]
      if (property) problems.push(...validate(item, property, `${path}.${key}`))
      else if (typeof schema.additionalProperties === 'object')
        problems.push(...validate(item, schema.additionalProperties, `${path}.${key}`))
      else if (schema.properties && schema.additionalProperties !== true)
        problems.push(`${path}.${key}: not in the description`)
    }
  }
  return problems
}

// Run as `/mailpit` in the stand-in image: listen where Mailpit would be told to, print what breaks the rules.
if (import.meta.main) {
  const bind = (name: string, fallback: string): [string, number] => {
    const [host, port] = (process.env[name] || fallback).split(/:(?=\d+$)/) as [string, string]
    return [host || '0.0.0.0', Number(port)]
  }
  const smtpAt = bind('MP_SMTP_BIND_ADDR', '0.0.0.0:1025')
  const httpAt = bind('MP_UI_BIND_ADDR', '0.0.0.0:8025')
  await startMailpitSpecServer({ smtp: smtpAt, http: httpAt }, (v) => console.log(`VIOLATION ${v}`))
  console.log(`[smtpd] starting on ${smtpAt.join(':')} (stand-in for Mailpit v1.30.5)`)
  console.log(`[http] accessible via http://${httpAt.join(':')}/`)
}

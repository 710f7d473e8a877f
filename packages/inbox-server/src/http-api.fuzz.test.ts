// Fuzzing every path, query and body the HTTP API accepts, against a real capture server on loopback.
// Property: each request is answered with a status below 500 within the case deadline, and the server
// keeps answering /livez.

import fc from 'fast-check'
import { describe } from 'vitest'
import { distFile, fuzzTarget } from '../../core/src/fuzz.test-util.js'

const INBOX_SERVER = distFile('inbox-server', 'index')

interface HttpCase {
  method: string
  path: string
  contentType: string
  body: string
}

const segment = fc.constantFrom(
  'api',
  'emails',
  'inboxes',
  'wait',
  'events',
  'stats',
  'raw',
  'attachments',
  '0',
  '1',
  '-1',
  '99999999999999999999',
  'livez',
  'readyz',
  '%',
  '%zz',
  '%E0%A4%A',
  '%2F',
  '..',
  '.',
  '',
  'é',
  '%00',
  'e1',
)
const path = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
  fc.constantFrom(
    '/api/emails/%',
    '/api/emails/%E0%A4%A/raw',
    '/api/emails/1/attachments/0',
    '//',
    '/api/wait/',
  ),
)
const queryValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '{"subject":{"regex":"(","flags":""}}',
    '{"subject":"x"}',
    '{}',
    '[]',
    'null',
    '{"nope":1}',
    'raw',
    '0',
    '-5',
    '1e400',
  ),
)
const query = fc
  .array(fc.tuple(fc.constantFrom('address', 'query', 'limit', 'include', 'x'), queryValue), { maxLength: 4 })
  .map((pairs) =>
    pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '',
  )
const smallTimeout = fc.oneof(
  fc.integer({ min: 0, max: 30 }),
  fc.constantFrom(-1, 1e12, Number.NaN, '10', null, true, [], {}),
)
const waitBody = fc
  .record(
    {
      address: fc.constantFrom('a@inbox.test', 'fuzz@inbox.test', 'no-at', '', 5, null),
      query: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({
          subject: fc.oneof(
            fc.string({ maxLength: 8 }),
            fc.record({ regex: fc.string({ maxLength: 8 }), flags: fc.constantFrom('', 'i', 'q', 'gg') }),
          ),
        }),
      ),
      count: fc.oneof(fc.integer({ min: -1, max: 1001 }), fc.constantFrom('2', 1.5, null)),
      timeout: smallTimeout,
      exclude: fc.oneof(
        fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
        fc.constantFrom('x', 1, [1]),
      ),
      notBefore: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom('never', 1, ''),
      ),
      timout: fc.integer(),
    },
    { requiredKeys: ['timeout'] },
  )
  .map((body) => JSON.stringify(body))
const body = fc.oneof(
  waitBody,
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record({ name: fc.oneof(fc.string({ maxLength: 45 }), fc.integer()) }, { requiredKeys: [] })
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  fc.constant(''),
)
const httpCase: fc.Arbitrary<HttpCase> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD', 'PUT', 'OPTIONS', 'PATCH'),
  path: fc.tuple(path, query).map(([p, q]) => p + q),
  contentType: fc.constantFrom('application/json', 'text/plain', ''),
  body,
})

describe('fuzzing the HTTP API', () => {
  fuzzTarget({
    name: 'HTTP API requests',
    imports: { start: [INBOX_SERVER, 'startInboxServer'], net: ['node:net', 'connect'] },
    run: async (input: HttpCase, { start, net }) => {
      const state = globalThis as unknown as { fuzzServer?: Promise<{ url: string; smtp: { port: number } }> }
      const send = (port: number, request: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = net(port, '127.0.0.1')
          let reply = ''
          socket.on('data', (chunk: Buffer) => {
            reply += chunk.toString('latin1')
            // The status line is enough: a wait or an event stream may keep the rest coming.
            if (reply.includes('\r\n')) {
              socket.destroy()
              resolve(reply.slice(0, reply.indexOf('\r\n')))
            }
          })
          socket.on('error', reject)
          socket.on('close', () => resolve(reply))
          // write, not end: a client that half-closes may see a long-poll dropped as a client gone away.
          socket.write(request)
        })
      state.fuzzServer ??= (async () => {
        const server = await start({ smtpPort: 0, httpPort: 0 })
        // A few emails to find, list and open, one with an attachment.
        const smtp = [
          'EHLO fuzz',
          'MAIL FROM:<app@example.com>',
          'RCPT TO:<a@inbox.test>',
          'DATA',
          'From: app@example.com\r\nTo: a@inbox.test\r\nSubject: Verify aaaa\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nCode 123456\r\n--b\r\nContent-Type: text/csv; name="a.csv"\r\nContent-Disposition: attachment; filename="a.csv"\r\n\r\na,b\r\n--b--\r\n.',
          'QUIT',
        ]
        await send(server.smtp.port, `${smtp.join('\r\n')}\r\n`)
        return server
      })()
      const server = await state.fuzzServer
      const port = Number(new URL(server.url).port)
      const length = Buffer.byteLength(input.body)
      const status = await send(
        port,
        `${input.method} ${input.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${input.contentType ? `Content-Type: ${input.contentType}\r\n` : ''}Content-Length: ${length}\r\nConnection: close\r\n\r\n${input.body}`,
      )
      const code = Number(/^HTTP\/1\.1 (\d{3})/.exec(status)?.[1])
      if (!(code >= 200 && code < 500))
        throw new Error(`${input.method} ${input.path} answered ${JSON.stringify(status)}`)
      const live = await send(
        port,
        `GET /livez HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      )
      if (!live.startsWith('HTTP/1.1 200'))
        throw new Error(`/livez answered ${JSON.stringify(live)} after that request`)
    },
    arbitrary: httpCase,
    throws: 'never',
    runs: 1500,
  })
})

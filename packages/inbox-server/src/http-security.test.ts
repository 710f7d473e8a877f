import { request } from 'node:http'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

// What a web page in the browser under test could send to the inbox on this machine, and what it gets.
let server: StartedInboxServer
let port: number
let emailId: string
beforeAll(async () => {
  server = await startInboxServer({ allowedOrigins: ['http://localhost:5173'] })
  port = Number(new URL(server.url as string).port)
  const inbox = server.createInbox({ name: 'hostile' })
  await nodemailer.createTransport({ host: '127.0.0.1', port: server.smtp.port, ignoreTLS: true }).sendMail({
    from: 'attacker@example.com',
    to: inbox.address,
    subject: 'Attachments',
    text: 'see attached',
    attachments: [
      { filename: 'page.html', content: '<script>fetch("/api/emails")</script>', contentType: 'text/html' },
      {
        filename: 'logo.svg',
        content: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        contentType: 'image/svg+xml',
      },
      { filename: 'notes "1".txt', content: 'plain', contentType: 'text/plain' },
    ],
  })
  emailId = (await inbox.waitForEmail()).id
})
afterAll(async () => {
  await server.stop()
})

// node:http, so the test sets Host, Origin and Sec-Fetch-Site exactly as a browser would.
function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString()
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('captured content never runs on the inbox origin', () => {
  it.each([
    [0, 'page.html', 'application/octet-stream'],
    [1, 'logo.svg', 'application/octet-stream'],
    [2, 'notes "1".txt', 'text/plain'],
  ])('attachment %i (%s) is a download with no-sniff and a sandboxing CSP', async (index, filename, type) => {
    const res = await send('GET', `/api/emails/${emailId}/attachments/${index}`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe(type)
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${filename.replace(/"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    )
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox; frame-ancestors 'none'")
  })

  it('serves the raw email and the JSON bodies the same way', async () => {
    for (const path of [`/api/emails/${emailId}/raw`, `/api/emails/${emailId}`, '/api/emails']) {
      const res = await send('GET', path)
      expect([path, res.status, res.headers['x-content-type-options']]).toEqual([path, 200, 'nosniff'])
      expect(res.headers['content-security-policy']).toContain('sandbox')
    }
  })
})

describe('a web page cannot read or drive the inbox', () => {
  it('refuses a Host the server is not bound to (DNS rebinding)', async () => {
    const res = await send('GET', '/api/emails', { host: `rebind.evil.example:${port}` })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).error.code).toBe('HOST_NOT_ALLOWED')
    expect(JSON.parse(res.body).error.message).toContain(
      `Host "rebind.evil.example:${port}" is not one this server answers to`,
    )
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect([host, (await send('GET', '/livez', { host })).status]).toEqual([host, 200])
    }
  })

  it('refuses cross-site requests that read, change state or start work', async () => {
    const evil = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
    const cases: Array<[string, string, Record<string, string>, string?]> = [
      ['GET', '/api/emails', evil],
      ['POST', '/api/inboxes', { ...evil, 'content-type': 'application/json' }, '{}'],
      [
        'POST',
        '/api/wait',
        { ...evil, 'content-type': 'application/json' },
        '{"address":"a@inbox.test","timeout":0}',
      ],
      ['DELETE', '/api/emails', evil],
      ['GET', '/api/emails', { 'sec-fetch-site': 'same-site' }],
      ['GET', '/api/emails', { origin: `http://localhost:${port + 1}` }],
    ]
    for (const [method, path, headers, body] of cases) {
      const res = await send(method, path, headers, body)
      expect([method, path, res.status, JSON.parse(res.body).error.code]).toEqual([
        method,
        path,
        403,
        'CROSS_SITE',
      ])
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
    }
    expect((await send('GET', '/api/emails')).status).toBe(200)
  })

  it('opens the web UI from a link on another site, and nothing else', async () => {
    const link = {
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    }
    const page = await send('GET', '/', link)
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    // Only the page itself, only as a navigation: the API, the script, a framed or fetched page are refused.
    const refused: Array<[string, string, Record<string, string>]> = [
      ['GET', '/api/emails', link],
      ['GET', '/ui/app.js', link],
      ['DELETE', '/', link],
      ['GET', '/', { ...link, 'sec-fetch-dest': 'iframe' }],
      ['GET', '/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }],
    ]
    for (const [method, path, headers] of refused) {
      const res = await send(method, path, headers)
      expect([method, path, headers['sec-fetch-mode'], res.status]).toEqual([
        method,
        path,
        headers['sec-fetch-mode'],
        403,
      ])
    }
  })

  it('refuses a POST that is not JSON, the one kind a page sends without a preflight', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const res = await send('POST', '/api/inboxes', type ? { 'content-type': type } : {}, '{}')
      expect([type, res.status, JSON.parse(res.body).error.code]).toEqual([type, 415, 'JSON_REQUIRED'])
    }
  })

  it('answers CORS for a configured origin, and only for it', async () => {
    const origin = 'http://localhost:5173'
    const preflight = await send('OPTIONS', '/api/wait', { origin, 'sec-fetch-site': 'same-site' })
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe(origin)
    const res = await send(
      'POST',
      '/api/inboxes',
      { origin, 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
      '{"name":"ui"}',
    )
    expect(res.status).toBe(201)
    expect(res.headers['access-control-allow-origin']).toBe(origin)
  })
})

import { request } from 'node:http'
import { type AddressInfo, createServer } from 'node:net'
import { connectInbox, EmailTimeoutError, emailMatchers, InboxServerError } from '@mailwright/core'
import nodemailer from 'nodemailer'
import type { SendMailOptions, Transporter } from 'nodemailer/lib/mailer'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

let server: StartedInboxServer
let url: string
let transport: Transporter

beforeAll(async () => {
  server = await startInboxServer()
  url = server.url as string
  transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtp.port,
    pool: true,
    tls: { rejectUnauthorized: false },
  })
})
afterAll(async () => {
  transport.close()
  await server.stop()
})

const send = (to: string, subject: string, extra: Partial<SendMailOptions> = {}) =>
  transport.sendMail({ from: 'no-reply@example.com', to, subject, text: `Body of ${subject}`, ...extra })

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: text.startsWith('{') ? JSON.parse(text) : text,
  }
}

describe('connectInbox over HTTP', () => {
  it('gets a unique address from the server and waits like an in-process inbox', async () => {
    const inbox = await connectInbox(url, { name: 'remote' })
    expect(inbox.address).toMatch(/^remote\+[0-9a-z]{6}@inbox\.test$/)
    const pending = inbox.waitForEmail({ subject: /verify/i })
    await send(inbox.address, 'Verify please', {
      html: '<p>code 123456 <a href="https://x.test/v">Verify</a></p>',
      attachments: [{ filename: 'a.bin', content: Buffer.from([1, 2, 3]) }],
    })
    const email = await pending
    expect(email.subject).toBe('Verify please')
    expect(email.links[0]?.href).toBe('https://x.test/v')
    expect(email.codes).toEqual(['123456'])
    expect(email.attachments[0]?.content()).toEqual(Buffer.from([1, 2, 3]))
    const local = (await server.createInbox({ name: 'x' }).emails()).length
    expect(local).toBe(0)
    // The same bytes as the server holds.
    const raw = await api('GET', `/api/emails/${email.id}/raw`)
    expect(raw.type).toBe('message/rfc822')
    expect(raw.body).toBe(email.raw.toString())
  })

  it('hands each email out once across waits and reports near misses on timeout', async () => {
    const inbox = await connectInbox(url)
    await send(inbox.address, 'first')
    await send(inbox.address, 'second')
    expect((await inbox.waitForEmail()).subject).toBe('first')
    expect((await inbox.waitForEmail()).subject).toBe('second')
    const error = await inbox.waitForEmail({ subject: 'third' }, { timeout: 150 }).catch((e) => e)
    expect(error).toBeInstanceOf(EmailTimeoutError)
    expect((error as EmailTimeoutError).nearMisses.map((m) => m.subject)).toEqual(['first', 'second'])
    expect((await inbox.emails()).map((e) => e.subject)).toEqual(['first', 'second'])
  })

  it('expectNoEmail holds over HTTP for the whole window', async () => {
    const inbox = await connectInbox(url)
    const started = Date.now()
    await inbox.expectNoEmail({}, { within: 250 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(245)
  })

  it('dispose() ends a pending long-poll and the server forgets the waiter', async () => {
    const inbox = await connectInbox(url)
    const pending = inbox.waitForEmail({}, { timeout: 60_000 })
    await new Promise((r) => setTimeout(r, 50))
    await inbox.dispose()
    await expect(pending).rejects.toThrow(/was disposed/)
  })

  it('says clearly when no server is there', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    const error = await connectInbox(`http://127.0.0.1:${port}`).catch((e) => e)
    expect(error).toBeInstanceOf(InboxServerError)
    expect(error.detail).toBe(
      `Could not reach the inbox server at http://127.0.0.1:${port}: ECONNREFUSED. Is it running? Start it with \`mailwright serve\` or startInboxServer(), and check the URL.`,
    )
  })
})

describe('HTTP API', () => {
  it('serves livez, readyz and stats', async () => {
    expect((await api('GET', '/livez')).body).toEqual({ status: 'ok' })
    expect((await api('GET', '/readyz')).body.status).toBe('ready')
    const stats = (await api('GET', '/api/stats')).body
    expect(stats).toMatchObject({ evicted: { total: 0 }, retention: { maxEmails: 10_000 } })
  })

  it('answers /readyz/<fingerprint> 200 only for the configuration that started it', async () => {
    await using started = await startInboxServer({ fingerprint: 'run-a1', smtpPort: 0 })
    const ready = await fetch(`${started.url}/readyz/run-a1`)
    expect([ready.status, ((await ready.json()) as { fingerprint: string }).fingerprint]).toEqual([
      200,
      'run-a1',
    ])
    const other = await fetch(`${started.url}/readyz/run-b2`)
    expect(other.status).toBe(409)
    expect(((await other.json()) as { error: { message: string } }).error.message).toMatch(
      /started with other options \(configuration run-a1, not run-b2\)/,
    )
    // A server started without one (by hand, in process) is never taken for a run's own.
    expect((await api('GET', '/readyz/run-a1')).status).toBe(409)
    expect((await api('GET', '/readyz')).body).toMatchObject({
      server: 'mailwright',
      version: expect.any(String),
    })
  })

  it('lists, filters, reads and deletes emails', async () => {
    const address = server.createAddress('api')
    await send(address, 'alpha', { attachments: [{ filename: 'n.txt', content: 'note' }] })
    await send(address, 'beta')
    const list = await api('GET', `/api/emails?address=${encodeURIComponent(address)}`)
    expect(list.body.emails.map((e: { subject: string }) => e.subject)).toEqual(['alpha', 'beta'])
    expect(list.body.emails[0].raw).toBeUndefined()
    const query = encodeURIComponent(JSON.stringify({ subject: { regex: '^b', flags: '' } }))
    const filtered = await api(
      'GET',
      `/api/emails?address=${encodeURIComponent(address)}&query=${query}&include=raw`,
    )
    expect(filtered.body.emails).toHaveLength(1)
    expect(Buffer.from(filtered.body.emails[0].raw, 'base64').toString()).toContain('Subject: beta')

    const alpha = list.body.emails[0]
    const one = await api('GET', `/api/emails/${alpha.id}`)
    expect(one.body).toMatchObject({ id: alpha.id, subject: 'alpha', envelope: { rcptTo: [address] } })
    const attachment = await api('GET', `/api/emails/${alpha.id}/attachments/0`)
    expect([attachment.type, attachment.body]).toEqual(['text/plain', 'note'])
    expect((await api('GET', `/api/emails/${alpha.id}/attachments/5`)).body.error.message).toMatch(
      /has 1 attachment\(s\); index 5 does not exist/,
    )

    expect((await api('DELETE', `/api/emails/${alpha.id}`)).status).toBe(204)
    expect((await api('GET', `/api/emails/${alpha.id}`)).status).toBe(404)
    expect((await api('DELETE', `/api/emails?address=${encodeURIComponent(address)}`)).body).toEqual({
      deleted: 1,
    })
  })

  it('takes a generated address written into the query string as is, its + unencoded', async () => {
    const address = server.createAddress('plus')
    expect(address).toContain('+')
    await send(address, 'plus sign')
    const list = await api('GET', `/api/emails?address=${address}`)
    expect(list.body.emails.map((e: { subject: string }) => e.subject)).toEqual(['plus sign'])
    expect((await api('DELETE', `/api/emails?address=${address}`)).body).toEqual({ deleted: 1 })
  })

  it('answers bad parameters with 400 and a JSON error naming the parameter', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['GET', '/api/emails?limit=0', undefined, 'limit'],
      ['GET', '/api/emails?include=everything', undefined, 'include'],
      ['GET', '/api/emails?query=not-json', undefined, 'query'],
      ['GET', `/api/emails?query=${encodeURIComponent('{"subjct":"x"}')}`, undefined, 'query.subjct'],
      ['POST', '/api/wait', { address: 'nobody' }, 'address'],
      ['POST', '/api/wait', { address: 'a@b.test', timeout: -1 }, 'timeout'],
      // Found by fuzzing: null took the 10 s default instead of being refused.
      ['POST', '/api/wait', { address: 'a@b.test', timeout: null }, 'timeout'],
      ['POST', '/api/wait', { address: 'a@b.test', count: 0 }, 'count'],
      ['POST', '/api/wait', { address: 'a@b.test', exclude: 'x' }, 'exclude'],
      ['POST', '/api/wait', { address: 'a@b.test', query: { subject: 7 } }, 'query.subject'],
      ['POST', '/api/inboxes', { name: 'has space' }, 'name'],
      // Found by fuzzing: a malformed percent-encoding in the id was a 500.
      ['GET', '/api/emails/%', undefined, 'id'],
      ['GET', '/api/emails/%E0%A4%A/raw', undefined, 'id'],
    ]
    for (const [method, path, body, parameter] of cases) {
      const res = await api(method, path, body)
      expect([path, res.status, res.body.error.parameter]).toEqual([path, 400, parameter])
      expect(res.body.error.message).toMatch(/^Invalid .+\. Expected .+/)
    }
    const invalidJson = await api('POST', '/api/wait', '{nope')
    expect([invalidJson.status, invalidJson.body.error.code]).toEqual([400, 'INVALID_JSON'])
    expect((await api('GET', '/api/nothing')).status).toBe(404)
    // Found by fuzzing: "//" was read as a host-relative URL and failed with a 500.
    expect((await api('GET', '//')).status).toBe(200)
    expect((await api('GET', '//x')).status).toBe(404)
    // Where mailwright serve says the API is: an index of the routes, with the page describing them.
    const index = await api('GET', '/api')
    expect(index.status).toBe(200)
    expect(index.body.routes).toContain('GET /api/emails/:id/html')
    expect(index.body.docs).toMatch(/\/docs\/http-api\.md$/)
    expect((await api('PUT', '/api/stats')).status).toBe(405)
  })

  it('long-polls /api/wait and answers as soon as the email is stored', async () => {
    const address = server.createAddress('poll')
    // A wait far longer than the test may take: an ok answer means the arrival woke it.
    const waiting = api('POST', '/api/wait', { address, query: { subject: 'late' }, timeout: 600_000 })
    // Sent once the server holds the wait (its stats count it), so the email arrives during it.
    await vi.waitFor(async () => expect((await api('GET', '/api/stats')).body.waits).toBeGreaterThan(0))
    await send(address, 'late arrival')
    const res = await waiting
    expect(res.body.status).toBe('ok')
    // The wait answer carries what a client needs to rebuild the email: envelope and exact raw bytes.
    expect(Buffer.from(res.body.emails[0].raw, 'base64').toString()).toContain('Subject: late arrival')
    expect(res.body.emails[0].envelope.rcptTo).toEqual([address])
    // Exactly what docs/http-api.md says a wait answers with: the raw bytes, not parsed fields.
    expect(Object.keys(res.body.emails[0]).sort()).toEqual([
      'captureWarnings',
      'envelope',
      'id',
      'raw',
      'receivedAt',
    ])
  })

  it('streams stored emails as server-sent events, filtered by address', async () => {
    const address = server.createAddress('sse')
    const events = await eventsDuring(
      `/api/events?address=${encodeURIComponent(address)}`,
      async () => {
        await send(address, 'event one')
        await send(server.createAddress('elsewhere'), 'not for this stream')
        await send(address, 'event two')
      },
      (events) => events.length >= 2,
    )
    expect(events.every((block) => block.includes('event: email'))).toBe(true)
    const data = events.map((block) => JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}'))
    expect(data.map((d) => d.subject)).toEqual(['event one', 'event two'])
    expect(data[0].envelope.rcptTo).toEqual([address])
  })
})

// Reads server-sent events until `done` says enough, from a stream opened before `act` runs.
async function eventsDuring(path: string, act: () => Promise<unknown>, done: (events: string[]) => boolean) {
  const events: string[] = []
  let opened!: () => void
  const connected = new Promise<void>((resolve) => {
    opened = resolve
  })
  const finished = new Promise<string[]>((resolve, reject) => {
    const req = request(`${url}${path}`, (res) => {
      res.setEncoding('utf8')
      let buffer = ''
      res.on('data', (chunk: string) => {
        buffer += chunk
        const blocks = buffer.split('\n\n')
        buffer = blocks.pop() ?? ''
        for (const block of blocks) {
          if (block.startsWith(': connected')) opened()
          else if (!block.startsWith(':')) events.push(block)
        }
        if (done(events)) {
          req.destroy()
          resolve(events)
        }
      })
    })
    req.on('error', (e) => (done(events) ? undefined : reject(e)))
    req.end()
  })
  await connected
  await act()
  return finished
}

describe('what the web UI reads', () => {
  it('links every email to its page in the UI, in process and over HTTP, and matcher failures print the link', async () => {
    const local = server.createInbox({ name: 'linked' })
    const remote = await connectInbox(url, { address: local.address })
    await send(local.address, 'linked email')
    const [here, there] = await Promise.all([local.waitForEmail(), remote.waitForEmail()])
    expect(here.viewUrl).toBe(`${url}/#/emails/${encodeURIComponent(here.id)}`)
    expect(there.viewUrl).toBe(here.viewUrl)
    const failure = (
      emailMatchers.toHaveSubject as (this: { isNot: boolean }, ...a: unknown[]) => { message(): string }
    ).call({ isNot: false }, here, 'another subject')
    expect(failure.message().split('\n').at(-1)).toBe(`View:     ${here.viewUrl}`)
    // A wait that found nothing points at the inbox's page, where what did arrive is listed.
    for (const inbox of [local, remote]) {
      const error = await inbox.waitForEmail({ subject: 'never sent' }, { timeout: 0 }).catch((e: Error) => e)
      expect(error).toBeInstanceOf(EmailTimeoutError)
      expect((error as Error).message).toContain(
        `\nWatch the inbox: ${url}/#/inboxes/${encodeURIComponent(local.address)}\n`,
      )
    }
  })

  it('lists summaries, newest first', async () => {
    const address = server.createAddress('summary')
    await send(address, 'first summary')
    await send(address, 'second summary', { cc: 'cc@example.com' })
    const list = await api(
      'GET',
      `/api/emails?address=${encodeURIComponent(address)}&format=summary&order=newest`,
    )
    expect(list.status).toBe(200)
    expect(list.body.emails.map((e: { subject: string }) => e.subject)).toEqual([
      'second summary',
      'first summary',
    ])
    expect(Object.keys(list.body.emails[0]).sort()).toEqual(
      ['envelope', 'from', 'id', 'receivedAt', 'size', 'subject', 'to'].sort(),
    )
    expect(list.body.emails[0].from).toEqual({ address: 'no-reply@example.com', name: '' })
    const oldest = await api(
      'GET',
      `/api/emails?address=${encodeURIComponent(address)}&format=summary&order=oldest&limit=1`,
    )
    expect(oldest.body.emails.map((e: { subject: string }) => e.subject)).toEqual(['first summary'])
    const bad = await api('GET', '/api/emails?order=latest')
    expect(bad.status).toBe(400)
    expect(bad.body.error.parameter).toBe('order')
    expect((await api('GET', '/api/emails?format=list')).body.error.message).toContain('"summary"')
  })

  it('serves the HTML preview under its own policy, and the header analysis', async () => {
    const address = server.createAddress('preview')
    await send(address, 'previewed', {
      html: '<p>hello</p><script>x()</script>',
      headers: {
        received:
          'from app.example (app.example [198.51.100.7]) by mx.example with ESMTPS; Sun, 29 Nov 2026 10:00:00 +0000',
      },
    })
    const [email] = (await api('GET', `/api/emails?address=${encodeURIComponent(address)}`)).body.emails
    const res = await fetch(`${url}/api/emails/${email.id}/html?scheme=dark&images=remote`)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toContain('sandbox allow-popups')
    expect(res.headers.get('content-security-policy')).toContain('img-src data: http: https:')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toContain('<p>hello</p>')
    const bad = await api('GET', `/api/emails/${email.id}/html?scheme=sepia`)
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toContain('"light" or "dark"')
    expect((await api('GET', `/api/emails/${email.id}/html?images=all`)).body.error.parameter).toBe('images')

    const headers = await api('GET', `/api/emails/${email.id}/headers`)
    expect(headers.status).toBe(200)
    expect(headers.body.hops).toHaveLength(1)
    expect(headers.body.hops[0]).toMatchObject({
      from: expect.stringContaining('app.example'),
      by: 'mx.example',
    })
    expect(headers.body.identities.map((i: { kind: string }) => i.kind)).toContain('From')
    expect(headers.body.auth).toBeUndefined()
    expect((await api('GET', '/api/emails/nope/headers')).status).toBe(404)
  })

  it('streams deletions: one event per deleted email, one for a cleared inbox', async () => {
    const address = server.createAddress('deletions')
    for (const n of [1, 2, 3]) await send(address, `to delete ${n}`)
    const ids = (await api('GET', `/api/emails?address=${encodeURIComponent(address)}`)).body.emails.map(
      (e: { id: string }) => e.id,
    )
    const events = await eventsDuring(
      `/api/events?address=${encodeURIComponent(address)}`,
      async () => {
        await api('DELETE', `/api/emails/${ids[0]}`)
        await api('DELETE', `/api/emails?address=${encodeURIComponent(address)}`)
      },
      (events) => events.length >= 2,
    )
    const data = events.map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1],
      ids: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}').ids,
    }))
    expect(data).toEqual([
      { event: 'deleted', ids: [ids[0]] },
      { event: 'deleted', ids: [ids[1], ids[2]] },
    ])
  })

  it('serves the UI at / under a strict policy, revalidated by ETag', async () => {
    const page = await fetch(`${url}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const policy = page.headers.get('content-security-policy') ?? ''
    expect(policy).toContain("script-src 'self'")
    expect(policy).toContain("frame-ancestors 'none'")
    expect(policy).not.toContain('unsafe')
    expect(await page.text()).toContain('<script type="module" src="/ui/app.js">')
    const etag = page.headers.get('etag') ?? ''
    expect((await fetch(`${url}/`, { headers: { 'if-none-match': etag } })).status).toBe(304)
    const script = await fetch(`${url}/ui/app.js`)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect((await script.text()).length).toBeGreaterThan(1000)
    expect((await fetch(`${url}/ui/secrets.json`)).status).toBe(404)
    expect((await fetch(`${url}/ui/../package.json`)).status).toBe(404)
    expect((await api('POST', '/', {})).status).toBe(405)
    // Another site's page cannot load it under the server's name (DNS rebinding).
    const foreign = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/`, { headers: { host: 'attacker.example:80' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(foreign).toBe(403)
  })
})

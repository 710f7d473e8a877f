import { once } from 'node:events'
import { type AddressInfo, connect } from 'node:net'
import { connectInbox, InboxStoppedError } from '@mailwright/core'
import { describe, expect, it } from 'vitest'
import { EmailStore } from './email-store.js'
import { createHttpApi } from './http-api.js'
import { RawSmtpClient } from './raw-smtp-client.test-util.js'
import { SmtpFaults } from './smtp-faults.js'
import { startInboxServer } from './start-inbox-server.js'

// Raw HTTP over a socket, so a test can send a partial request or keep a connection open.
function rawHttp(port: number) {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  const closed = once(socket, 'close')
  return { socket, closed, text: () => text }
}

describe('stopping the server', () => {
  it('answers SMTP sessions 421 4.3.2, every waiter, in process and over HTTP, and every event stream', async () => {
    const server = await startInboxServer({ tls: false })
    const url = server.url as string
    const smtp = await RawSmtpClient.open(server.smtp.port)
    expect(await smtp.command('EHLO client.test')).toMatch(/^250/)
    const local = server.createInbox({ name: 'local' })
    const localWait = local.waitForEmail({}, { timeout: 60_000 }).catch((e: unknown) => e)
    const remote = await connectInbox(url)
    const remoteWait = remote.waitForEmail({}, { timeout: 60_000 }).catch((e: unknown) => e)
    const events = await fetch(`${url}/api/events`)
    const reader = (events.body as ReadableStream<Uint8Array>).getReader()
    await reader.read() // ': connected'
    while (server.stats().waits < 2) await new Promise((resolve) => setImmediate(resolve))
    await server.stop()

    expect(await smtp.reply()).toBe('421 4.3.2 mailwright.localhost shutting down; try again later')
    const localError = await localWait
    expect(localError).toBeInstanceOf(InboxStoppedError)
    expect((localError as Error).message).toContain(
      `The inbox server stopped while waiting for an email to ${local.address}`,
    )
    const remoteError = (await remoteWait) as Error
    expect(remoteError.message).toContain('answered 503')
    expect(remoteError.message).toContain(
      `The inbox server stopped while waiting for an email to ${remote.address}`,
    )
    let stream = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      stream += new TextDecoder().decode(value)
    }
    expect(stream).toContain('event: shutdown')
  })
})

describe('after the stop (found in review)', () => {
  // The store itself, so an email can be stored after the stop ended the stream while its client, not
  // reading, keeps the connection open. The old stream wrote to its ended response and crashed the process.
  it('never writes to an event stream it ended, even when the client stopped reading', async () => {
    const store = new EmailStore()
    const api = createHttpApi({
      store,
      faults: new SmtpFaults(),
      createAddress: () => 'a@inbox.test',
      domain: 'inbox.test',
      ready: () => true,
      smtp: () => ({ host: '127.0.0.1', port: 25 }),
      allowedHosts: () => [`127.0.0.1:${(api.address() as AddressInfo).port}`],
    })
    api.listen(0, '127.0.0.1')
    await once(api, 'listening')
    const port = (api.address() as AddressInfo).port
    const client = rawHttp(port)
    client.socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    while (!client.text().includes(': connected')) await new Promise((resolve) => setImmediate(resolve))
    client.socket.pause()
    const crashes: unknown[] = []
    const onCrash = (error: unknown) => crashes.push(error)
    process.on('uncaughtException', onCrash)
    try {
      store.close()
      store.add(Buffer.from('Subject: late\r\n\r\nx\r\n'), {
        mailFrom: 'a@example.com',
        rcptTo: ['b@inbox.test'],
      })
      // A write after the end reports its error on the next turns of the event loop.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
      expect(crashes).toEqual([])
    } finally {
      process.off('uncaughtException', onCrash)
      client.socket.destroy()
      api.closeAllConnections()
      api.close()
    }
  })

  it('answers a wait that starts after the stop with InboxStoppedError at once', async () => {
    const server = await startInboxServer({ tls: false })
    const inbox = server.createInbox({ name: 'late' })
    await server.stop()
    await expect(inbox.waitForEmail({}, { timeout: 60_000 })).rejects.toBeInstanceOf(InboxStoppedError)
  })
})

describe('limits a client cannot outlast', () => {
  it('answers a client that trickles bytes without delivering 421 4.4.2 at the session deadline', async () => {
    await using server = await startInboxServer({ tls: false, sessionTimeoutMs: 300 })
    const smtp = await RawSmtpClient.open(server.smtp.port)
    expect(await smtp.command('EHLO trickle.test')).toMatch(/^250/)
    smtp.write('M')
    const timer = setInterval(() => smtp.write('A'), 50)
    try {
      expect(await smtp.reply()).toMatch(
        /^421 4\.4\.2 mailwright\.localhost no message delivered within 300 ms/,
      )
    } finally {
      clearInterval(timer)
    }
  })

  it('restarts the deadline with every delivered message, so a pooled connection lives on', async () => {
    await using server = await startInboxServer({ tls: false, sessionTimeoutMs: 1000 })
    const smtp = await RawSmtpClient.open(server.smtp.port)
    await smtp.command('EHLO pool.test')
    for (let i = 0; i < 4; i++) {
      await smtp.command('MAIL FROM:<app@example.com>')
      await smtp.command('RCPT TO:<a@inbox.test>')
      await smtp.command('DATA')
      expect(await smtp.command(`Subject: ${i}\r\n\r\nbody\r\n.`)).toMatch(/^250/)
      // Four pauses add up past the deadline; each message starts it again.
      await new Promise((resolve) => setTimeout(resolve, 400))
    }
    expect(server.stats().emails).toBe(4)
    await smtp.quit()
  })

  it('answers connections over maxClients 421 4.7.0', async () => {
    await using server = await startInboxServer({ tls: false, maxClients: 2 })
    const first = await RawSmtpClient.open(server.smtp.port)
    const second = await RawSmtpClient.open(server.smtp.port)
    const third = connect(server.smtp.port, '127.0.0.1')
    let greeting = ''
    third.on('data', (chunk: Buffer) => {
      greeting += chunk.toString()
    })
    await once(third, 'close')
    expect(greeting).toMatch(/^421 4\.7\.0 mailwright\.localhost too many connections \(over 2\)/)
    await first.quit()
    await second.quit()
  })

  it('answers a request whose body never comes 408, and closes it', async () => {
    const store = new EmailStore()
    const api = createHttpApi({
      store,
      faults: new SmtpFaults(),
      createAddress: () => 'a@inbox.test',
      domain: 'inbox.test',
      ready: () => true,
      smtp: () => ({ host: '127.0.0.1', port: 25 }),
      allowedHosts: () => [`127.0.0.1:${(api.address() as AddressInfo).port}`],
      requestTimeoutMs: 300,
    })
    api.listen(0, '127.0.0.1')
    await once(api, 'listening')
    try {
      const port = (api.address() as AddressInfo).port
      const client = rawHttp(port)
      client.socket.write(
        `POST /api/wait HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      )
      await client.closed
      expect(client.text()).toMatch(/^HTTP\/1\.1 408/)
    } finally {
      api.close()
      store.close()
    }
  })

  it('closes the connection after a 413, so a keep-alive client is not left waiting', async () => {
    await using server = await startInboxServer()
    const port = Number(new URL(server.url as string).port)
    const client = rawHttp(port)
    const body = `{"name":"${'x'.repeat(1024 * 1024 + 10)}"}`
    client.socket.write(
      `POST /api/inboxes HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
    )
    client.socket.write(body)
    await client.closed
    expect(client.text()).toMatch(/^HTTP\/1\.1 413/)
    expect(client.text().toLowerCase()).toContain('connection: close')
  })

  it('refuses unknown fields of a wait, so a typo never waits the default', async () => {
    await using server = await startInboxServer()
    const res = await fetch(`${server.url}/api/wait`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: 'a@inbox.test', timout: 10 }),
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'Invalid timout: 10. Expected one of the known fields: address, query, count, timeout, exclude, notBefore.',
    )
  })

  it('serves more than ten event streams without a listener warning', async () => {
    await using server = await startInboxServer()
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    const controller = new AbortController()
    try {
      const streams = await Promise.all(
        Array.from({ length: 12 }, () => fetch(`${server.url}/api/events`, { signal: controller.signal })),
      )
      expect(streams.every((s) => s.status === 200)).toBe(true)
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings).not.toContain('MaxListenersExceededWarning')
    } finally {
      controller.abort()
      process.off('warning', onWarning)
    }
  })
})

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import {
  connectInbox,
  defineConfig,
  type EmailMatchers,
  EmailTimeoutError,
  emailMatchers,
  type Inbox,
  OFFICE365_REPLIES,
  startWorkerContext,
} from '@mailwright/core'
import { explainSmtpReply } from '@mailwright/core/internal'
import nodemailer from 'nodemailer'
import type { Transporter } from 'nodemailer/lib/mailer'
import SMTPConnection from 'nodemailer/lib/smtp-connection'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canRun, describeWith } from '../../core/src/requirement.test-util.js'
import { RawSmtpClient } from './raw-smtp-client.test-util.js'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

expect.extend(emailMatchers)
declare module 'vitest' {
  // biome-ignore lint/correctness/noUnusedVariables: the type parameters must match Vitest's declaration
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown>
    extends EmailMatchers<R> {}
}
const run = promisify(execFile)

let server: StartedInboxServer
let transport: Transporter
beforeAll(async () => {
  server = await startInboxServer()
  // One connection per email, as an application's plain transport does: each retry is a new session.
  transport = nodemailer.createTransport({
    host: server.smtp.host,
    port: server.smtp.port,
    tls: { rejectUnauthorized: false },
  })
})
afterAll(async () => {
  transport.close()
  await server.stop()
})

type SmtpFailure = Error & { responseCode?: number; response?: string; command?: string; code?: string }
const send = (to: string, subject = 'fault test') =>
  transport.sendMail({ from: 'app@example.com', to, subject, text: 'hello' })
const failure = (to: string, subject?: string) =>
  send(to, subject).then(
    () => {
      throw new Error(`the send to ${to} was accepted, but a fault should have refused it`)
    },
    (error: SmtpFailure) => error,
  )

describe('an inbox fault, seen by nodemailer', () => {
  it('refuses RCPT TO with exactly the configured reply, `times` times, then delivers', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ stage: 'rcpt', reply: '451 4.7.1 Try again later', times: 2 })
    for (const _ of [1, 2]) {
      const error = await failure(inbox.address)
      expect(error.responseCode).toBe(451)
      expect(error.response).toBe('451 4.7.1 Try again later')
      expect(error.command).toBe('RCPT TO')
    }
    await send(inbox.address, 'third time')
    const email = await inbox.waitForEmail({ subject: 'third time' })
    const attempts = await inbox.attempts()
    expect(attempts.map((a) => [a.outcome, a.stage, a.reply])).toEqual([
      ['refused', 'rcpt', '451 4.7.1 Try again later'],
      ['refused', 'rcpt', '451 4.7.1 Try again later'],
      ['delivered', 'message', `250 2.0.0 Captured as ${email.id}`],
    ])
    expect(attempts[0]?.fault).toBe('"451 4.7.1 Try again later" at RCPT TO, 2 times')
    expect(attempts[2]?.fault).toBeUndefined()
    expect(attempts[2]?.emailId).toBe(email.id)
    expect(
      attempts.every((a) => a.mailFrom === 'app@example.com' && a.clientAddress.endsWith('127.0.0.1')),
    ).toBe(true)
    await expect(inbox).toHaveBeenAttempted({ times: 3, last: 'delivered' })
    await inbox.dispose()
  })

  it('answers the DATA command with the Office 365 concurrency reply', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ preset: 'office365-concurrency', times: 1 })
    const error = await failure(inbox.address)
    expect(error.response).toBe(OFFICE365_REPLIES.concurrency)
    expect(error.command).toBe('DATA')
    await send(inbox.address)
    await inbox.waitForEmail()
    expect((await inbox.attempts()).map((a) => `${a.outcome} ${a.stage}`)).toEqual([
      'refused data',
      'delivered message',
    ])
  })

  it('refuses the message after its end with Office 365 throttling, and captures nothing', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ preset: 'office365-throttling', times: 1 })
    const error = await failure(inbox.address, 'throttled')
    expect(error.response).toBe('451 4.7.500 Server busy. Please try again later from [127.0.0.1]. (AS761)')
    expect(error.responseCode).toBe(451)
    expect(await inbox.emails()).toEqual([])
    await send(inbox.address, 'after throttling')
    expect((await inbox.waitForEmail()).subject).toBe('after throttling')
  })

  it('gives a permanent refusal to every attempt until the inbox is disposed (Office 365 quota)', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ preset: 'office365-quota' })
    for (const _ of [1, 2, 3]) expect((await failure(inbox.address)).response).toBe(OFFICE365_REPLIES.quota)
    await expect(inbox).toHaveBeenAttempted({ times: 3, last: 'refused' })
    await inbox.dispose()
    // Disposed with its test: the address is served normally again.
    const later = await connectInbox(server.url as string, { address: inbox.address })
    await send(inbox.address, 'after the test')
    expect((await later.waitForEmail()).subject).toBe('after the test')
  })

  it('drops the connection mid-DATA: the client gets no reply and nothing is captured', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ stage: 'message', drop: true, times: 1 })
    const error = await failure(inbox.address, 'dropped')
    expect(error.responseCode).toBeUndefined()
    expect(error.code).toMatch(/^E(CONNECTION|PROTOCOL|SOCKET)$/)
    expect(await inbox.emails()).toEqual([])
    await send(inbox.address, 'retried')
    await inbox.waitForEmail({ subject: 'retried' })
    const attempts = await inbox.attempts()
    expect(attempts.map((a) => `${a.outcome} ${a.stage}`)).toEqual(['dropped message', 'delivered message'])
    expect(attempts[0]?.reply).toBeUndefined()
    expect(attempts[0]?.fault).toBe('connection dropped mid-DATA, 1 time')
  })

  it('delays the reply: accepted, and stored only when the client is told', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ stage: 'message', delay: 300, times: 1 })
    const sent = send(inbox.address, 'slow')
    await sent
    const [attempt] = await inbox.attempts()
    expect(attempt?.outcome).toBe('delivered')
    expect((attempt?.endedAt.getTime() ?? 0) - (attempt?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(300)
    expect((await inbox.emails()).map((e) => e.subject)).toEqual(['slow'])
  })

  it('greylists: refused until retryAfter has passed since the first attempt, then accepted for good', async () => {
    const inbox = server.createInbox()
    const retryAfter = 400
    await inbox.simulate({ greylist: { retryAfter } })
    // What an application's retry loop does: try, and on a 4xx try again a little later.
    const replies: string[] = []
    for (;;) {
      const error = await send(inbox.address, 'greylisted').then(
        () => undefined,
        (e: SmtpFailure) => e,
      )
      if (!error) break
      replies.push(error.response ?? '')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // How many refusals depends on how fast the machine sends; when the first acceptance came does not.
    expect(replies.length).toBeGreaterThanOrEqual(1)
    expect(new Set(replies)).toEqual(
      new Set(['451 4.7.1 Greylisted: this is a first attempt; please try again later']),
    )
    await expect(inbox).toHaveBeenAttempted({
      times: replies.length + 1,
      last: 'delivered',
      minInterval: 100,
    })
    await send(inbox.address, 'whitelisted now')
    const attempts = await inbox.attempts()
    const delivered = attempts.filter((a) => a.outcome === 'delivered')
    expect(delivered).toHaveLength(2)
    expect(attempts[0]?.fault).toBe(`greylisted for ${retryAfter} ms at RCPT TO`)
    const first = attempts[0]?.at.getTime() ?? 0
    expect((delivered[0]?.at.getTime() ?? 0) - first).toBeGreaterThanOrEqual(retryAfter)
    expect(
      attempts.filter((a) => a.outcome === 'refused').every((a) => a.at.getTime() - first < retryAfter),
    ).toBe(true)
  })
})

describe('Office 365 presets', () => {
  // The Office 365 emulator refuses with the same texts (OFFICE365_REPLIES): an application's handling of
  // them, and Mailwright's explanation, is the same in the sandbox as in staging.
  it.each([
    ['office365-throttling', 'Server busy (throttled)'],
    ['office365-concurrency', 'Too many concurrent connections'],
    ['office365-quota', 'Recipient quota exceeded'],
  ] as const)('%s is explained as Exchange Online\'s "%s"', async (preset, title) => {
    const inbox = server.createInbox()
    await inbox.simulate({ preset, times: 1 })
    const error = await failure(inbox.address)
    expect(explainSmtpReply(error.response ?? '')?.title).toBe(title)
  })
})

describe('isolation', () => {
  it("never touches another address, even in the same session's transaction stream", async () => {
    const faulted = server.createInbox({ name: 'faulted' })
    const others = Array.from({ length: 8 }, () => server.createInbox({ name: 'other' }))
    await faulted.simulate({ stage: 'rcpt', reply: '550 5.1.1 No such user' })
    // All at once, on a pool of reused connections, faulted and clean sends interleaved.
    const pool = nodemailer.createTransport({
      host: server.smtp.host,
      port: server.smtp.port,
      pool: true,
      maxConnections: 3,
      tls: { rejectUnauthorized: false },
    })
    const results = await Promise.allSettled(
      others.flatMap((inbox) => [
        pool.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'clean', text: 'x' }),
        pool.sendMail({ from: 'a@example.com', to: faulted.address, subject: 'faulted', text: 'x' }),
      ]),
    )
    pool.close()
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(8)
    for (const inbox of others) {
      await inbox.waitForEmail({ subject: 'clean' })
      const attempts = await inbox.attempts()
      expect(attempts.map((a) => [a.outcome, a.fault])).toEqual([['delivered', undefined]])
    }
    await expect(faulted).toHaveBeenAttempted({ times: 8, last: 'refused' })
  })

  it('refuses only the faulted recipient of a message to several', async () => {
    const faulted = server.createInbox()
    const clean = server.createInbox()
    await faulted.simulate({ reply: '450 4.2.1 Mailbox busy' })
    const info = await transport.sendMail({
      from: 'a@example.com',
      to: [faulted.address, clean.address],
      subject: 'two',
      text: 'x',
    })
    expect(info.rejected).toEqual([faulted.address])
    expect((await clean.waitForEmail()).envelope.rcptTo).toEqual([clean.address])
    expect(await faulted.emails()).toEqual([])
  })
})

describe('attempts', () => {
  it('records an attempt the client abandons (RSET after RCPT TO) and one refused without a fault', async () => {
    const inbox = server.createInbox()
    const client = await RawSmtpClient.open(server.smtp.port)
    await client.command('EHLO client.test')
    await client.command('MAIL FROM:<a@example.com>')
    expect(await client.command(`RCPT TO:<${inbox.address}>`)).toMatch(/^250/)
    expect(await client.command('RSET')).toMatch(/^250/)
    await client.command('MAIL FROM:<a@example.com>')
    await client.command(`RCPT TO:<${inbox.address}>`)
    expect(await client.command('DATA')).toMatch(/^354/)
    expect(await client.command('Subject: bare\n\nbare LF\r\n.')).toMatch(/^550 5\.6\.0 Bare LF/)
    await client.quit()
    const attempts = await inbox.attempts()
    expect(attempts.map((a) => a.outcome)).toEqual(['abandoned', 'refused'])
    expect(attempts[1]?.reply).toMatch(/^550 5\.6\.0 Bare LF/)
    await expect(inbox).toHaveBeenAttempted({ times: 2, last: 'refused' })
    await expect(expect(inbox).toHaveBeenAttempted({ times: 3 })).rejects.toThrow(
      /Expected: 3 attempts to .*\nReceived: 2 attempts\n\nAttempts:\n {2}1\. \+0 ms +abandoned at RCPT TO\n {2}2\. \+\d+ ms +refused at the end of the message {2}550 5\.6\.0 Bare LF/,
    )
  })

  it('names the refused attempts when a wait times out, so a fault is not mistaken for a silent app', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ reply: '550 5.1.1 No such user here' })
    await failure(inbox.address, 'refused for good')
    const error = await inbox.waitForEmail({}, { timeout: 50 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EmailTimeoutError)
    expect((error as EmailTimeoutError).attempts.map((a) => a.outcome)).toEqual(['refused'])
    expect((error as Error).message).toMatch(
      /The application's last attempt for this address did not get through:\n {2}1\. \+0 ms +refused at RCPT TO {2}550 5\.1\.1 No such user here {2}\(simulated: "550 5\.1\.1 No such user here" at RCPT TO\)\n\nA simulated fault \(inbox\.simulate\), a refusal of the capture or the client leaving ended it/,
    )
  })

  it('fails the matcher on a back-off shorter than asked, naming the attempts', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ reply: '421 4.7.0 Try later', times: 1 })
    await failure(inbox.address)
    await send(inbox.address)
    await expect(expect(inbox).toHaveBeenAttempted({ minInterval: 60_000 })).rejects.toThrow(
      /Received: attempt 2 \d+ ms after attempt 1[\s\S]*simulated: "421 4.7.0 Try later" at RCPT TO, 1 time/,
    )
    await expect(expect(inbox).not.toHaveBeenAttempted()).rejects.toThrow(/not at least 1 attempt/)
  })
})

describe("an environment's faults (mailwright.config.ts)", () => {
  it('are given to every inbox of the environment as it is made, each counting its own times', async () => {
    await using worker = await startWorkerContext({
      config: defineConfig({
        environments: {
          sandbox: { inbox: { type: 'local' }, faults: [{ reply: '451 4.7.1 Try again later', times: 1 }] },
        },
      }),
    })
    const smtp = worker.inboxProvider.smtp
    const local = nodemailer.createTransport({ ...smtp, tls: { rejectUnauthorized: false } })
    for (const name of ['first', 'second']) {
      const inbox = await worker.inboxProvider.createInbox(name)
      const refused = await local
        .sendMail({ from: 'a@example.com', to: inbox.address, subject: name, text: 'x' })
        .catch((e: SmtpFailure) => e)
      expect((refused as SmtpFailure).response).toBe('451 4.7.1 Try again later')
      await local.sendMail({ from: 'a@example.com', to: inbox.address, subject: name, text: 'x' })
      await inbox.waitForEmail({ subject: name })
      await expect(inbox).toHaveBeenAttempted({ times: 2, last: 'delivered' })
    }
    local.close()
  })
})

describe('transactions that change course (found in review)', () => {
  it("ends a recipient's attempt when EHLO resets the transaction, so its fault never reaches the next one", async () => {
    const faulted = server.createInbox()
    const clean = server.createInbox()
    await faulted.simulate({ stage: 'message', reply: '554 5.7.1 Not this one' })
    const client = await RawSmtpClient.open(server.smtp.port)
    await client.command('EHLO client.test')
    await client.command('MAIL FROM:<a@example.com>')
    expect(await client.command(`RCPT TO:<${faulted.address}>`)).toMatch(/^250/)
    await client.command('EHLO client.test')
    await client.command('MAIL FROM:<a@example.com>')
    await client.command(`RCPT TO:<${clean.address}>`)
    expect(await client.command('DATA')).toMatch(/^354/)
    expect(await client.command('Subject: clean\r\n\r\nhello\r\n.')).toMatch(/^250 2\.0\.0 Captured as /)
    await client.quit()
    expect((await faulted.attempts()).map((a) => [a.outcome, a.stage, a.fault])).toEqual([
      ['abandoned', 'rcpt', undefined],
    ])
    expect((await clean.attempts()).map((a) => [a.outcome, a.fault])).toEqual([['delivered', undefined]])
    // The fault never acted, so it is still there for the next attempt.
    expect((await failure(faulted.address)).response).toBe('554 5.7.1 Not this one')
  })

  it("refuses a whole message to several when one recipient's fault acts at its end; only that one names it", async () => {
    const faulted = server.createInbox()
    const other = server.createInbox()
    await faulted.simulate({ stage: 'message', reply: '451 4.3.0 Later', times: 1 })
    const error = await transport
      .sendMail({ from: 'a@example.com', to: [other.address, faulted.address], subject: 'two', text: 'x' })
      .catch((e: SmtpFailure) => e)
    expect((error as SmtpFailure).response).toBe('451 4.3.0 Later')
    expect((await faulted.attempts()).map((a) => [a.outcome, a.fault])).toEqual([
      ['refused', '"451 4.3.0 Later" at the end of the message, 1 time'],
    ])
    expect((await other.attempts()).map((a) => [a.outcome, a.reply, a.fault])).toEqual([
      ['refused', '451 4.3.0 Later', undefined],
    ])
  })

  it('answers a DATA sent again after a refused one with 503, never capturing it unrecorded', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ stage: 'data', reply: '451 4.3.2 Not now', times: 1 })
    const client = await RawSmtpClient.open(server.smtp.port)
    await client.command('EHLO client.test')
    await client.command('MAIL FROM:<a@example.com>')
    await client.command(`RCPT TO:<${inbox.address}>`)
    expect(await client.command('DATA')).toBe('451 4.3.2 Not now')
    expect(await client.command('DATA')).toMatch(/^503 /)
    await client.quit()
    expect(await inbox.emails()).toEqual([])
    expect((await inbox.attempts()).map((a) => a.outcome)).toEqual(['refused'])
  })

  it('shows an attempt pending while its reply is delayed, and stores nothing when the client leaves first', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ stage: 'message', delay: 60_000 })
    const client = await RawSmtpClient.open(server.smtp.port)
    await client.command('EHLO client.test')
    await client.command('MAIL FROM:<a@example.com>')
    await client.command(`RCPT TO:<${inbox.address}>`)
    await client.command('DATA')
    client.write('Subject: slow\r\n\r\nhello\r\n.\r\n')
    await expect.poll(async () => (await inbox.attempts())[0]?.stage).toBe('message')
    expect((await inbox.attempts())[0]?.outcome).toBe('pending')
    client.destroy()
    await expect.poll(async () => (await inbox.attempts())[0]?.outcome).toBe('abandoned')
    expect((await inbox.attempts())[0]?.stage).toBe('message')
    expect(await inbox.emails()).toEqual([])
  })

  it('ends the attempt of a client that leaves over STARTTLS, and names a pending one on a timeout', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ stage: 'message', delay: 60_000 })
    // One connection, upgraded with STARTTLS, that goes away while the server holds its reply.
    const client = new SMTPConnection({
      host: server.smtp.host,
      port: server.smtp.port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      socketTimeout: 60_000,
    })
    client.on('error', () => {})
    await new Promise<void>((resolve, reject) => client.connect((e) => (e ? reject(e) : resolve())))
    client.send({ from: 'a@example.com', to: [inbox.address] }, 'Subject: slow\r\n\r\nx\r\n', () => {})
    await expect.poll(async () => (await inbox.attempts())[0]?.stage).toBe('message')
    const error = await inbox.waitForEmail({}, { timeout: 50 }).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(
      /The application's last attempt for this address is still going on:\n {2}1\. \+0 ms +pending at the end of the message[\s\S]*The server is still holding its reply \(a simulated delay\?\)/,
    )
    client.close()
    await expect.poll(async () => (await inbox.attempts())[0]?.outcome).toBe('abandoned')
    expect(await inbox.emails()).toEqual([])
  })

  it('refuses a fault after one that acts on every attempt, which would hide it', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ reply: '550 5.1.1 Gone' })
    await expect(inbox.simulate({ reply: '451 4.7.1 Later', times: 1 })).rejects.toThrow(
      /already has "550 5\.1\.1 Gone" at RCPT TO, which acts on every attempt, so this one never would\. Give the earlier one times/,
    )
  })
})

describe('validation', () => {
  it('refuses a stage before RCPT TO for an inbox, saying why and what to use', async () => {
    const inbox = server.createInbox()
    await expect(inbox.simulate({ stage: 'connect' as never, reply: '421 4.3.2 Busy' })).rejects.toThrow(
      /Invalid fault\.stage: "connect"\. Expected one of rcpt, data, message for an inbox's fault: before RCPT TO the server cannot know whose mail a session carries/,
    )
  })

  it('refuses a reply that is not one line of a 4xx or 5xx, a fault that changes nothing, and unknown fields', async () => {
    const inbox = server.createInbox()
    await expect(inbox.simulate({ reply: '250 OK' })).rejects.toThrow(/Invalid fault\.reply: "250 OK"/)
    await expect(inbox.simulate({ reply: '451 a\r\nRCPT TO:<x@y>' })).rejects.toThrow(
      /one line of printable ASCII/,
    )
    await expect(inbox.simulate({})).rejects.toThrow(/this fault would change nothing/)
    await expect(inbox.simulate({ stage: 'rcpt', reply: '451 x', tmes: 1 } as never)).rejects.toThrow(
      /Invalid fault\.tmes: 1\. Expected one of the fields/,
    )
    await expect(inbox.simulate({ greylist: { retryAfter: 10 }, times: 2 })).rejects.toThrow(
      /no times with greylist/,
    )
    await expect(inbox.simulate({ preset: 'office365-slow' as never })).rejects.toThrow(
      /Expected one of office365-throttling, office365-concurrency, office365-quota/,
    )
    await expect(inbox.simulate({ preset: ['office365-quota'] as never })).rejects.toThrow(
      /Invalid fault\.preset/,
    )
    await expect(inbox.simulate({ greylist: { retryAfter: 1 }, reply: '550 5.7.1 No' })).rejects.toThrow(
      /a 4xx reply for greylisting/,
    )
    await expect(inbox.simulate({ greylist: { retryAfter: 1, times: 2 } as never })).rejects.toThrow(
      /Invalid fault\.greylist/,
    )
    await expect(inbox.simulate({ stage: 'RCPT' as never, reply: '451 x' })).rejects.toThrow(
      /Expected one of rcpt, data, message \(did you mean "rcpt"\?\)/,
    )
    await expect(inbox.simulate({ reply: '451 5.7.1 Mixed' })).rejects.toThrow(
      /an enhanced status code of the reply's class \(4\.x\.x after 451, RFC 3463\)/,
    )
  })
})

describe('over the HTTP API', () => {
  let inbox: Inbox
  beforeAll(async () => {
    inbox = await connectInbox(server.url as string)
  })

  it('adds, lists and clears faults, and lists attempts, for a client in another process', async () => {
    expect(inbox.canSimulate).toBe(true)
    await inbox.simulate({ preset: 'office365-throttling', times: 1 })
    const listed = (await (
      await fetch(`${server.url}/api/inboxes/${encodeURIComponent(inbox.address)}/faults`)
    ).json()) as {
      faults: string[]
    }
    expect(listed.faults).toEqual([
      '"451 4.7.500 Server busy. Please try again later from [{clientAddress}]. (AS761)" at the end of the message, 1 time',
    ])
    expect((await failure(inbox.address)).responseCode).toBe(451)
    await send(inbox.address, 'over http')
    await inbox.waitForEmail({ subject: 'over http' })
    const attempts = await inbox.attempts()
    expect(attempts.map((a) => a.outcome)).toEqual(['refused', 'delivered'])
    expect(attempts[0]?.at).toBeInstanceOf(Date)
    await expect(inbox).toHaveBeenAttempted({ times: 2, last: 'delivered' })
  })

  it('ends the faults when the inbox is disposed', async () => {
    const other = await connectInbox(server.url as string)
    await other.simulate({ reply: '550 5.7.1 Refused' })
    await other.dispose()
    const listed = (await (
      await fetch(`${server.url}/api/inboxes/${encodeURIComponent(other.address)}/faults`)
    ).json()) as {
      faults: string[]
    }
    expect(listed.faults).toEqual([])
    await send(other.address)
  })

  it('answers a bad fault with 400 naming the field', async () => {
    const response = await fetch(`${server.url}/api/inboxes/${encodeURIComponent(inbox.address)}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stage: 'ehlo', reply: '421 4.3.2 no' }),
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { code: string; parameter: string; message: string } }
    expect(body.error.code).toBe('INVALID_ARGUMENT')
    expect(body.error.parameter).toBe('fault.stage')
    expect(body.error.message).toMatch(/before RCPT TO/)
  })
})

describe('server-wide faults (mailwright serve --fault)', () => {
  let wide: StartedInboxServer
  beforeAll(async () => {
    wide = await startInboxServer({
      httpPort: false,
      faults: [
        { stage: 'connect', reply: '421 4.3.2 Concurrent connections limit exceeded.', times: 1 },
        { stage: 'ehlo', reply: '421 4.7.0 Not now', times: 1 },
        { stage: 'mail', preset: 'office365-concurrency', times: 1 },
        { stage: 'rcpt', reply: '452 4.5.3 Too many recipients', times: 1 },
      ],
    })
  })
  afterAll(async () => {
    await wide.stop()
  })

  it('refuses one that could never act, behind a refusal without times', async () => {
    await expect(
      startInboxServer({
        httpPort: false,
        faults: [{ stage: 'connect', reply: '421 4.3.2 Busy' }, { greylist: { retryAfter: 1000 } }],
      }),
    ).rejects.toThrow(
      /Invalid faults\[1\]: .*Expected a fault that can act: the server already has "421 4\.3\.2 Busy" at the greeting, which acts on every attempt/,
    )
  })

  it('act at the greeting, EHLO and MAIL FROM, once each, in any session', async () => {
    expect(wide.faults.map((f) => f.description)).toEqual([
      '"421 4.3.2 Concurrent connections limit exceeded." at the greeting, 1 time',
      '"421 4.7.0 Not now" at EHLO, 1 time',
      `"${OFFICE365_REPLIES.concurrency}" at MAIL FROM, 1 time`,
      '"452 4.5.3 Too many recipients" at RCPT TO, 1 time',
    ])
    const first = await RawSmtpClient.open(wide.smtp.port)
    expect(first.greeting).toBe('421 4.3.2 Concurrent connections limit exceeded.')
    expect(await first.drain(50)).toBe('')
    const second = await RawSmtpClient.open(wide.smtp.port)
    expect(second.greeting).toMatch(/^220 /)
    expect(await second.command('EHLO client.test')).toBe('421 4.7.0 Not now')
    const third = await RawSmtpClient.open(wide.smtp.port)
    expect(await third.command('EHLO client.test')).toMatch(/^250/)
    expect(await third.command('MAIL FROM:<a@example.com>')).toBe(OFFICE365_REPLIES.concurrency)
    expect(await third.command('MAIL FROM:<a@example.com>')).toMatch(/^250/)
    // The faults before RCPT TO are not the recipients': the RCPT TO one acts on the first.
    expect(await third.command('RCPT TO:<someone@inbox.test>')).toBe('452 4.5.3 Too many recipients')
    await third.quit()
    const inbox = wide.createInbox()
    const plain = nodemailer.createTransport({
      host: '127.0.0.1',
      port: wide.smtp.port,
      tls: { rejectUnauthorized: false },
    })
    await plain.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'normal again', text: 'x' })
    expect((await inbox.waitForEmail()).subject).toBe('normal again')
  })
})

describeWith({
  available: canRun('swaks', ['--version']),
  missing: 'swaks is not installed',
  install: 'apt-get install swaks',
})('swaks', () => {
  const swaks = (port: number, ...args: string[]) =>
    run('swaks', [
      '--server',
      '127.0.0.1',
      '--port',
      String(port),
      '--from',
      'swaks@example.com',
      ...args,
    ]).then(
      ({ stdout }) => stdout,
      (error: { stdout: string }) => error.stdout,
    )

  it('sees the greylisting reply at RCPT TO, then delivers once retryAfter has passed', async () => {
    const inbox = server.createInbox()
    await inbox.simulate({ greylist: { retryAfter: 0 } })
    expect(await swaks(server.smtp.port, '--to', inbox.address)).toContain(
      '<** 451 4.7.1 Greylisted: this is a first attempt; please try again later',
    )
    expect(await swaks(server.smtp.port, '--to', inbox.address)).toMatch(/<- {2}250 2\.0\.0 Captured as /)
  })

  it('sees a server-wide AUTH refusal exactly', async () => {
    const wide = await startInboxServer({
      httpPort: false,
      faults: [{ stage: 'auth', reply: '454 4.7.0 Temporary authentication failure', times: 1 }],
    })
    try {
      const inbox = wide.createInbox()
      const auth = ['--to', inbox.address, '--auth', 'PLAIN', '--auth-user', 'u', '--auth-password', 'p']
      expect(await swaks(wide.smtp.port, ...auth)).toContain('<** 454 4.7.0 Temporary authentication failure')
      expect(await swaks(wide.smtp.port, ...auth)).toMatch(/<- {2}250 2\.0\.0 Captured as /)
    } finally {
      await wide.stop()
    }
  })
})

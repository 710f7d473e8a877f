import { PatternTimeoutError } from '@mailwright/core'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StartedInboxServer, startInboxServer } from './start-inbox-server.js'

// One test's pattern must never stall another test. The budget is generous here (2 s) so the order of
// events below holds on a loaded runner; the hostile pattern would run for minutes.
let server: StartedInboxServer
let url: string
const transport = () =>
  nodemailer.createTransport({ host: '127.0.0.1', port: server.smtp.port, ignoreTLS: true })
const HOSTILE_SUBJECT = `${'a'.repeat(32)}!`
beforeAll(async () => {
  server = await startInboxServer({ patternBudgetMs: 2000 })
  url = server.url as string
  await transport().sendMail({
    from: 'app@example.com',
    to: 'victim@inbox.test',
    subject: HOSTILE_SUBJECT,
    text: 'x',
  })
})
afterAll(async () => {
  await server.stop()
})

const wait = (body: unknown) =>
  fetch(`${url}/api/wait`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('a catastrophic pattern', () => {
  // The issue's reproduction: the pattern is tried on other addresses' recent emails as near misses.
  it('fails only its own wait, with an error naming it, while /livez and SMTP for others go on', async () => {
    const events: string[] = []
    const hostile = wait({
      address: 'v@inbox.test',
      timeout: 0,
      query: { subject: { regex: '(a+)+$', flags: '' } },
    }).then(async (res) => {
      events.push('hostile answered')
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } }
    })
    const live = await fetch(`${url}/livez`)
    events.push(`livez ${live.status}`)
    const inbox = server.createInbox({ name: 'bystander' })
    await transport().sendMail({
      from: 'app@example.com',
      to: inbox.address,
      subject: 'Verify',
      text: 'Code 123456',
    })
    events.push(`bystander got ${(await inbox.waitForEmail({ subject: /Verify/ })).subject}`)
    const answer = await hostile
    expect(events).toEqual(['livez 200', 'bystander got Verify', 'hostile answered'])
    expect(answer.status).toBe(422)
    expect(answer.body.error.code).toBe('PATTERN_TOO_SLOW')
    expect(answer.body.error.message).toMatch(
      /^The pattern \/\(a\+\)\+\$\/ took over 2000 ms on the subject of email \S+ and was stopped, so other tests are not held up\./,
    )
  })

  it('fails an in-process wait with a PatternTimeoutError, and the server keeps serving', async () => {
    const inbox = server.createInbox({ name: 'greedy' })
    await transport().sendMail({
      from: 'app@example.com',
      to: inbox.address,
      subject: HOSTILE_SUBJECT,
      text: 'x',
    })
    const error = await inbox.waitForEmail({ subject: /(a|a)*$/ }, { timeout: 5000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PatternTimeoutError)
    expect((error as PatternTimeoutError).pattern).toBe('/(a|a)*$/')
    // The pool replaced the stopped worker: the next pattern runs as usual.
    expect((await inbox.waitForEmail({ subject: /^a+!$/ })).subject).toBe(HOSTILE_SUBJECT)
  })

  it('keeps regular patterns exact: flags, anchors, and one email per wait', async () => {
    const inbox = server.createInbox({ name: 'exact' })
    await transport().sendMail({
      from: 'App <app@example.com>',
      to: inbox.address,
      subject: 'Ünïcode ✓ Verify',
      text: 'x',
    })
    expect((await inbox.waitForEmail({ subject: /verify$/iu, from: /^App$/ })).subject).toBe(
      'Ünïcode ✓ Verify',
    )
    const miss = await inbox.waitForEmail({ subject: /^verify/ }, { timeout: 100 }).catch((e: Error) => e)
    expect((miss as Error).message).toContain('subject "Ünïcode ✓ Verify" does not match /^verify/')
  })
})

// The hostile email: 3.3 MB of HTML with 100,000 links, which blocked /livez for seconds.
const bigHtml = Array.from(
  { length: 100_000 },
  (_, i) => `<a href="https://app.test/l/${i}">link ${i}</a>`,
).join('\n')

describe('a large or hostile email', () => {
  it('is parsed off the event loop: /livez and another test go on meanwhile', async () => {
    const big = server.createInbox({ name: 'big' })
    await transport().sendMail({ from: 'app@example.com', to: big.address, subject: 'Huge', html: bigHtml })
    const events: string[] = []
    const parsed = big.waitForEmail({ subject: 'Huge', text: 'link 99999' }).then((email) => {
      events.push('big parsed')
      return email
    })
    const live = await fetch(`${url}/livez`)
    events.push(`livez ${live.status}`)
    const inbox = server.createInbox({ name: 'small' })
    await transport().sendMail({
      from: 'app@example.com',
      to: inbox.address,
      subject: 'Small',
      text: 'Code 1234',
    })
    events.push(`small ${(await inbox.waitForEmail({ subject: 'Small' })).codes[0]}`)
    const email = await parsed
    expect(events).toEqual(['livez 200', 'small 1234', 'big parsed'])
    expect(email.links).toHaveLength(100_000)
  })

  it('over its parse budget is still listed and waitable, headers only, saying what was cut short', async () => {
    await using tight = await startInboxServer({ parseBudgetMs: 1 })
    const inbox = tight.createInbox({ name: 'tight' })
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: tight.smtp.port, ignoreTLS: true })
      .sendMail({ from: 'app@example.com', to: inbox.address, subject: 'Huge', html: bigHtml })
    const email = await inbox.waitForEmail({ subject: 'Huge' })
    expect(email.html).toBeUndefined()
    expect(email.links).toEqual([])
    expect(email.warnings).toContain(
      'body not parsed: it took over 1 ms (parse budget), so text, html, attachments, links and codes are empty; the raw bytes are kept',
    )
    expect(email.raw.length).toBeGreaterThan(3_000_000)
    const listed = await fetch(`${tight.url}/api/emails?address=${encodeURIComponent(inbox.address)}`)
    expect(
      ((await listed.json()) as { emails: Array<{ subject: string }> }).emails.map((e) => e.subject),
    ).toEqual(['Huge'])
  })
})

import { describe, expect, it } from 'vitest'
import { EmailStore } from './email-store.js'

const envelope = (to: string) => ({ mailFrom: 'a@example.com', rcptTo: [to] })
const raw = (subject: string, size = 0) => Buffer.from(`Subject: ${subject}\r\n\r\n${'x'.repeat(size)}\r\n`)

describe('EmailStore retention', () => {
  it('evicts the oldest emails past maxEmails and counts them', () => {
    const store = new EmailStore({ retention: { maxEmails: 3 } })
    for (let i = 1; i <= 5; i++)
      store.add(raw(`n${i}`), envelope(i % 2 ? 'odd@inbox.test' : 'even@inbox.test'))
    expect(store.emailsFor().map((e) => store.summary(e).subject)).toEqual(['n3', 'n4', 'n5'])
    expect(store.emailsFor('odd@inbox.test').map((e) => store.summary(e).subject)).toEqual(['n3', 'n5'])
    expect(store.stats()).toMatchObject({ emails: 3, received: 5, evicted: { total: 2, count: 2 } })
    store.close()
  })

  it('evicts by total bytes', () => {
    const store = new EmailStore({ retention: { maxBytes: 5000 } })
    for (let i = 0; i < 10; i++) store.add(raw(`b${i}`, 1000), envelope('big@inbox.test'))
    const stats = store.stats()
    expect(stats.bytes).toBeLessThanOrEqual(5000)
    expect(stats.evicted.bytes).toBe(10 - stats.emails)
    store.close()
  })

  it('evicts by age', async () => {
    const store = new EmailStore({ retention: { maxAgeMs: 50 } })
    store.add(raw('old'), envelope('age@inbox.test'))
    await new Promise((r) => setTimeout(r, 80))
    store.add(raw('new'), envelope('age@inbox.test'))
    expect(store.emailsFor('age@inbox.test').map((e) => store.summary(e).subject)).toEqual(['new'])
    expect(store.stats().evicted.age).toBe(1)
    store.close()
  })

  it('keeps memory bounded under a flood: 20,000 emails with maxEmails 1,000', () => {
    const store = new EmailStore({ retention: { maxEmails: 1000 } })
    for (let i = 0; i < 20_000; i++) store.add(raw(`f${i}`, 100), envelope(`r${i % 50}@inbox.test`))
    const stats = store.stats()
    expect(stats.emails).toBe(1000)
    expect(stats.evicted.count).toBe(19_000)
    const perRecipient = Array.from({ length: 50 }, (_, i) => store.emailsFor(`r${i}@inbox.test`).length)
    expect(perRecipient.reduce((a, b) => a + b)).toBe(1000)
    store.close()
  })

  it('routes by envelope, case-insensitively, and a wait sees an email stored for it', async () => {
    const store = new EmailStore()
    const wait = store.wait({
      address: 'Alice+1@Inbox.test',
      query: {},
      count: 1,
      timeoutMs: 1000,
      exclude: [],
      notBefore: new Date(0),
    })
    store.add(raw('hello'), { mailFrom: '', rcptTo: ['alice+1@inbox.TEST'] })
    const result = await wait
    expect(result.status === 'ok' && result.emails[0]?.subject).toBe('hello')
    store.close()
  })

  it('lets the event loop run while a listing goes through 20,000 emails, and still finds the match', async () => {
    const store = new EmailStore()
    for (let i = 0; i < 20_000; i++) store.add(raw(`bulk ${i}`, 200), envelope(`r${i % 50}@inbox.test`))
    store.add(raw('the one'), envelope('r0@inbox.test'))
    let timerRan = false
    const timer = setTimeout(() => {
      timerRan = true
    }, 0)
    // A timer due at once runs before the listing ends only if the listing gave the loop a turn.
    const listing = store.listStored(undefined, { subject: 'the one' }).then((found) => ({ found, timerRan }))
    const { found, timerRan: ranDuring } = await listing
    clearTimeout(timer)
    expect(found.map((e) => store.summary(e).subject)).toEqual(['the one'])
    expect(ranDuring).toBe(true)
    store.close()
  })

  it("checks a listing's patterns in batches on the pattern threads, in arrival order, up to the limit", async () => {
    const store = new EmailStore()
    for (let i = 0; i < 1000; i++)
      store.add(raw(i % 3 === 0 ? `Code ${i}` : `other ${i}`), envelope('p@inbox.test'))
    const found = await store.listStored('p@inbox.test', { subject: /^code \d+5$/i }, 5)
    expect(found.map((e) => store.summary(e).subject)).toEqual([
      'Code 15',
      'Code 45',
      'Code 75',
      'Code 105',
      'Code 135',
    ])
    store.close()
  })

  it('builds the index (overviews) once mail pauses, off the SMTP reply path', async () => {
    const store = new EmailStore()
    const email = store.add(raw('indexed later'), envelope('i@inbox.test'))
    // add() never parses: the overview is built by the idle indexer, after the reply.
    expect(email.overview).toBeUndefined()
    await expect.poll(() => email.overview?.subject).toBe('indexed later')
    store.close()
  })

  it('reads the headers of an email kept as several socket reads from the first one, never joining its body', () => {
    const store = new EmailStore()
    const reads = [
      Buffer.from('Subject: in the first read\r\nTo: t@x.test\r\n\r\nbody '),
      Buffer.from('y'.repeat(50_000)),
    ]
    const email = store.add(reads, envelope('h@inbox.test'))
    expect(email.head).toBe(reads[0])
    expect(store.overview(email)).toMatchObject({ subject: 'in the first read', size: email.size })
    expect(email.size).toBe((reads[0] as Buffer).length + 50_000)
    expect(store.summary(email)).toMatchObject({ subject: 'in the first read', size: email.size })
    expect(email.raw.equals(Buffer.concat(reads))).toBe(true)

    // A header section that goes on into the next read: the whole message is read, and the folded
    // Subject is whole.
    const split = [Buffer.from('Subject: folded\r\n'), Buffer.from(' across reads\r\n\r\nbody\r\n')]
    const other = store.add(split, envelope('h@inbox.test'))
    expect(other.head.equals(Buffer.concat(split))).toBe(true)
    expect(store.overview(other)).toMatchObject({ subject: 'folded across reads', size: other.size })
    store.close()
  })

  it('keeps a bounded number of parsed emails and parses an evicted one again when asked', async () => {
    const store = new EmailStore()
    const emails = Array.from({ length: 600 }, (_, i) =>
      store.add(raw(`parsed ${i}`), envelope('c@inbox.test')),
    )
    const first = await store.parsed(emails[0] as never)
    for (const email of emails.slice(1)) await store.parsed(email)
    const again = await store.parsed(emails[0] as never)
    // Past the cache's bound the first parse was dropped: an equal email, parsed anew.
    expect(again).not.toBe(first)
    expect(again.subject).toBe(first.subject)
    expect(await store.parsed(emails[599] as never)).toBe(await store.parsed(emails[599] as never))
    store.close()
  })

  it('never answers an email deleted while the listing ran', async () => {
    const store = new EmailStore()
    const emails = Array.from({ length: 3000 }, (_, i) =>
      store.add(raw(`del ${i}`), envelope('d@inbox.test')),
    )
    const last = emails[2999] as { id: string }
    const listing = store.listStored('d@inbox.test', {})
    // The listing yields between slices; the deletion lands while it runs.
    store.delete(last.id)
    const found = await listing
    expect(found).toHaveLength(2999)
    expect(found.some((e) => e.id === last.id)).toBe(false)
    store.close()
  })

  it('keeps a body parse that failed, so the next listing does not pay for it again', async () => {
    // A parse budget no parse can meet: the email is kept headers-only, with the reason.
    const store = new EmailStore({ parseBudgetMs: 1 })
    const email = store.add(raw('hostile', 2000), envelope('h@inbox.test'))
    const first = JSON.parse(await store.json(email, false)) as { warnings: string[]; subject: string }
    expect(first.subject).toBe('hostile')
    expect(first.warnings.join(' ')).toMatch(/body not parsed: it took over 1 ms \(parse budget\)/)
    expect(email.parseFailure).toBe('it took over 1 ms (parse budget)')
    // The second answer comes from the kept failure: the same warning, no parse thread involved.
    const again = JSON.parse(await store.json(email, false)) as { warnings: string[] }
    expect(again.warnings).toEqual(first.warnings)
    expect((await store.parsed(email)).warnings).toEqual(first.warnings)
    store.close()
  })
})

import type { EmailEnvelope } from '@mailwright/core'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWith } from '../../core/src/requirement.test-util.js'
import { migrate } from './migrate.js'
import { type EmailNotice, LISTENER_NAME, PostgresEmailLog } from './postgres-email-log.js'
import {
  postgresInstalled,
  type StartedPostgresCluster,
  startPostgresCluster,
} from './start-postgres-cluster.js'

const envelope = (to: string[]): EmailEnvelope => ({
  mailFrom: 'app@example.com',
  rcptTo: to,
  clientAddress: '127.0.0.1',
  heloName: 'app.test',
})
const raw = (subject: string) => Buffer.from(`Subject: ${subject}\r\n\r\nhello\r\n`)

describeWith({
  available: postgresInstalled(),
  missing: 'PostgreSQL is not installed',
  install: 'apt-get install postgresql',
})('the shared email log on PostgreSQL', () => {
  let cluster: StartedPostgresCluster
  let pools: pg.Pool[] = []
  const pool = (url: string) => {
    const made = new pg.Pool({ connectionString: url, max: 4 })
    // An idle pooled session the server ends is reported here, and the pool makes a new one.
    made.on('error', () => {})
    pools.push(made)
    return made
  }
  beforeAll(async () => {
    cluster = await startPostgresCluster()
  })
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()))
    pools = []
    await cluster?.stop()
  })

  it('pushes each commit to every replica, once, with its recipients, and keeps the bytes exactly', async () => {
    const url = await cluster.createDatabase('push')
    const [a, b] = [new PostgresEmailLog(pool(url)), new PostgresEmailLog(pool(url))]
    await migrate(pools[0] as pg.Pool)
    const heard: EmailNotice[] = []
    const subscription = await b.subscribe((notice) => heard.push(notice))
    const bytes = Buffer.concat([raw('Ünïcode'), Buffer.from([0, 0xff, 0x80])])
    const first = await a.append('run-1', {
      raw: bytes,
      envelope: envelope(['Alice+1@Inbox.test', 'bob@inbox.test']),
    })
    await a.append('run-2', { raw: raw('other run'), envelope: envelope(['alice+1@inbox.test']) })
    await expect.poll(() => heard.length).toBe(2)
    expect(heard[0]).toEqual({
      seq: first.seq,
      namespace: 'run-1',
      rcptTo: ['alice+1@inbox.test', 'bob@inbox.test'],
    })
    expect(heard[1]?.namespace).toBe('run-2')
    const [fetched] = await b.fetch([first.seq])
    expect(fetched?.raw.equals(bytes)).toBe(true)
    expect(fetched?.envelope.rcptTo).toEqual(['Alice+1@Inbox.test', 'bob@inbox.test'])
    // Addresses are kept apart per namespace.
    expect((await b.emailsTo('run-1', 'alice+1@inbox.test')).map((e) => e.seq)).toEqual([first.seq])
    expect((await b.emailsTo('run-3', 'alice+1@inbox.test')).map((e) => e.seq)).toEqual([])
    await subscription.close()
  })

  it('replays what was committed while its connection was gone, and nothing twice', async () => {
    const url = await cluster.createDatabase('failover')
    const writer = new PostgresEmailLog(pool(url))
    const reader = new PostgresEmailLog(pool(url))
    await migrate(pools.at(-1) as pg.Pool)
    await writer.append('run', { raw: raw('before the subscription'), envelope: envelope(['x@inbox.test']) })
    const heard: number[] = []
    const states: string[] = []
    const subscription = await reader.subscribe((notice) => heard.push(notice.seq), {
      onState: (state) => states.push(state),
    })
    const one = await writer.append('run', { raw: raw('one'), envelope: envelope(['x@inbox.test']) })
    await expect.poll(() => heard).toEqual([one.seq])
    // The listening session is cut, as when a database restarts or a network blips.
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      LISTENER_NAME,
    ])
    const two = await writer.append('run', { raw: raw('two'), envelope: envelope(['x@inbox.test']) })
    const three = await writer.append('run', { raw: raw('three'), envelope: envelope(['y@inbox.test']) })
    await expect.poll(() => heard, { timeout: 15_000 }).toEqual([one.seq, two.seq, three.seq])
    expect(states).toContain('reconnecting')
    expect(states.at(-1)).toBe('connected')
    await admin.end()
    await subscription.close()
  })

  it('keeps a namespace to its limits with a clear error, and opens it only to its own token', async () => {
    const url = await cluster.createDatabase('namespaces')
    const log = new PostgresEmailLog(pool(url))
    await migrate(pools.at(-1) as pg.Pool)
    await log.defineNamespace('ci-run-1', { token: 'a-token-of-run-1-secret', maxEmails: 2, maxBytes: 1000 })
    await log.append('ci-run-1', { raw: raw('one'), envelope: envelope(['a@inbox.test']) })
    await expect(
      log.append('ci-run-1', { raw: Buffer.alloc(2000, 0x41), envelope: envelope(['a@inbox.test']) }),
    ).rejects.toThrow(
      /Namespace "ci-run-1" is full: it holds \d+ bytes and this email has 2000, over its limit \(maxBytes 1000\)\. Nothing was stored/,
    )
    await log.append('ci-run-1', { raw: raw('two'), envelope: envelope(['a@inbox.test']) })
    await expect(
      log.append('ci-run-1', { raw: raw('three'), envelope: envelope(['a@inbox.test']) }),
    ).rejects.toThrow(
      'Namespace "ci-run-1" is full: it holds 2 emails, its limit (maxEmails 2). Nothing was stored.',
    )
    expect((await log.emailsTo('ci-run-1', 'a@inbox.test')).length).toBe(2)
    expect(await log.authorize('ci-run-1', 'a-token-of-run-1-secret')).toBe(true)
    expect(await log.authorize('ci-run-1', 'a-token-of-run-2-secret')).toBe(false)
    expect(await log.authorize('ci-run-2', 'a-token-of-run-1-secret')).toBe(false)
    await expect(log.defineNamespace('CI Run', {})).rejects.toThrow(/Invalid namespace: "CI Run"/)
    await expect(log.defineNamespace('ci-run-3', { token: 'short' })).rejects.toThrow(
      /Invalid token: "\[redacted\]"\. Expected a secret of at least 16 characters/,
    )
  })

  it("expires each namespace's emails past its maxAgeMs, with their recipients, and no other's", async () => {
    const url = await cluster.createDatabase('retention')
    const log = new PostgresEmailLog(pool(url))
    await migrate(pools.at(-1) as pg.Pool)
    await log.defineNamespace('short', { maxAgeMs: 60_000 })
    await log.append('short', { raw: raw('old'), envelope: envelope(['a@inbox.test']) })
    await log.append('kept', { raw: raw('kept'), envelope: envelope(['a@inbox.test']) })
    expect(await log.expire()).toBe(0)
    // As of two minutes from now, the short namespace's email is past its age; the other has no limit.
    expect(await log.expire(new Date(Date.now() + 120_000))).toBe(1)
    expect(await log.emailsTo('short', 'a@inbox.test')).toEqual([])
    expect((await log.emailsTo('kept', 'a@inbox.test')).length).toBe(1)
    const left = await (pools.at(-1) as pg.Pool).query(
      "SELECT count(*)::int AS n FROM mailwright_recipients WHERE namespace = 'short'",
    )
    expect(left.rows[0]?.n).toBe(0)
  })
})

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { type EmailEnvelope, InvalidArgumentError, MailwrightError } from '@mailwright/core'
import pg from 'pg'

/** A namespace's settings: who may use it over HTTP, and how much it may hold. */
export interface NamespaceOptions {
  /** The bearer token of the HTTP API for this namespace; kept only as its SHA-256. */
  token?: string
  /** Most emails it holds; an append past it is refused. */
  maxEmails?: number
  /** Most bytes of raw email it holds; an append past it is refused. */
  maxBytes?: number
  /** How long its emails are kept, in ms: older ones go at the next {@link PostgresEmailLog.expire}. */
  maxAgeMs?: number
}

/** An append refused because its namespace is full. */
export class NamespaceQuotaError extends MailwrightError {
  readonly namespace: string

  constructor(namespace: string, what: string) {
    super(
      'NAMESPACE_QUOTA',
      `Namespace ${JSON.stringify(namespace)} is full: ${what}. Nothing was stored. Delete its old emails, raise its limit, or give each CI run a namespace of its own.`,
    )
    this.namespace = namespace
  }
}

const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,62}$/

/** An email as the log keeps it: the raw bytes, the envelope, and where it stands in the log. */
export interface LoggedEmail {
  seq: number
  id: string
  namespace: string
  receivedAt: Date
  envelope: EmailEnvelope
  raw: Buffer
  warnings: string[]
}

/** That an email was committed: what a subscriber hears, before it fetches the email. */
export interface EmailNotice {
  seq: number
  namespace: string
  /** The envelope recipients, lower-cased, so a replica knows which waits to wake without a fetch. */
  rcptTo: string[]
}

/** A running subscription to the log's notices. */
export interface LogSubscription {
  close(): Promise<void>
}

const CHANNEL = 'mailwright_emails'
// Notices above this size would fail NOTIFY's 8,000-byte payload: the recipients are left to a fetch.
const MAX_NOTICE_BYTES = 7000
// A reconnecting subscriber looks this far back for emails committed out of seq order while it was away.
const CATCH_UP_WINDOW = 1000
const SEEN_LIMIT = 20_000
/** The `application_name` of each replica's listening session. */
export const LISTENER_NAME = 'mailwright-listener'

/**
 * The shared, durable side of the capture service: every replica appends the emails its SMTP listener
 * receives, and hears every replica's appends through PostgreSQL's LISTEN/NOTIFY, pushed at commit (never
 * polled). An append resolves only once committed, so the `250` an SMTP client gets means the email is on
 * the database. A subscriber whose connection drops reconnects and catches up on what it missed, by `seq`.
 *
 * @example
 * const log = new PostgresEmailLog(pool)
 * await log.subscribe((notice) => wake(notice.rcptTo))
 * await log.append('ci-run-42', { raw, envelope })
 */
export class PostgresEmailLog {
  readonly #pool: pg.Pool

  constructor(pool: pg.Pool) {
    this.#pool = pool
  }

  /** Makes a namespace, or changes its token and limits (a limit left out is removed). */
  async defineNamespace(name: string, options: NamespaceOptions = {}): Promise<void> {
    checkNamespace(name)
    for (const key of ['maxEmails', 'maxBytes', 'maxAgeMs'] as const) {
      const value = options[key]
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1))
        throw new InvalidArgumentError(key, value, 'a whole number >= 1')
    }
    if (options.token !== undefined && (typeof options.token !== 'string' || options.token.length < 16))
      throw new InvalidArgumentError('token', '[redacted]', 'a secret of at least 16 characters')
    await this.#pool.query(
      `INSERT INTO mailwright_namespaces (name, token_sha256, max_emails, max_bytes, max_age_ms)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET token_sha256 = $2, max_emails = $3, max_bytes = $4, max_age_ms = $5`,
      [
        name,
        options.token ? sha256(options.token) : null,
        options.maxEmails ?? null,
        options.maxBytes ?? null,
        options.maxAgeMs ?? null,
      ],
    )
  }

  /**
   * Whether a bearer token opens the namespace: its own token, compared in constant time. A namespace
   * without a token, or one that does not exist, opens to none.
   */
  async authorize(name: string, token: string): Promise<boolean> {
    const { rows } = await this.#pool.query<{ token_sha256: Buffer | null }>(
      'SELECT token_sha256 FROM mailwright_namespaces WHERE name = $1',
      [name],
    )
    const stored = rows[0]?.token_sha256
    return stored ? timingSafeEqual(stored, sha256(token)) : false
  }

  /**
   * Deletes the emails older than their namespace's `maxAgeMs` (as of `now`), with their recipients. Any
   * replica may run it; each email goes once. How many went.
   */
  async expire(now: Date = new Date()): Promise<number> {
    const { rowCount } = await this.#pool.query(
      `DELETE FROM mailwright_emails e USING mailwright_namespaces n
       WHERE e.namespace = n.name AND n.max_age_ms IS NOT NULL
         AND e.received_at < $1::timestamptz - n.max_age_ms * interval '1 millisecond'`,
      [now],
    )
    return rowCount ?? 0
  }

  /** Commits an email and its recipients in the namespace (made if new), notifying every subscriber. */
  async append(
    namespace: string,
    email: { raw: Buffer; envelope: EmailEnvelope; warnings?: string[] },
  ): Promise<{ seq: number; id: string; receivedAt: Date }> {
    checkNamespace(namespace)
    const rcptTo = [...new Set(email.envelope.rcptTo.map((r) => r.toLowerCase()))]
    const id = randomBytes(9).toString('base64url')
    const client = await this.#pool.connect()
    try {
      await client.query('BEGIN')
      await client.query(
        'INSERT INTO mailwright_namespaces (name) VALUES ($1) ON CONFLICT (name) DO NOTHING',
        [namespace],
      )
      // The namespace's row is locked to the end of the transaction: appends to it take turns at the limit.
      const limits = await client.query<{ max_emails: number | null; max_bytes: string | null }>(
        'SELECT max_emails, max_bytes FROM mailwright_namespaces WHERE name = $1 FOR UPDATE',
        [namespace],
      )
      const maxEmails = limits.rows[0]?.max_emails ?? null
      const maxBytes = limits.rows[0]?.max_bytes ?? null
      if (maxEmails !== null || maxBytes !== null) {
        const held = await client.query<{ emails: string; bytes: string | null }>(
          'SELECT count(*) AS emails, sum(size) AS bytes FROM mailwright_emails WHERE namespace = $1',
          [namespace],
        )
        const emails = Number(held.rows[0]?.emails ?? 0)
        const bytes = Number(held.rows[0]?.bytes ?? 0)
        if (maxEmails !== null && emails + 1 > maxEmails)
          throw new NamespaceQuotaError(
            namespace,
            `it holds ${emails} emails, its limit (maxEmails ${maxEmails})`,
          )
        if (maxBytes !== null && bytes + email.raw.length > Number(maxBytes))
          throw new NamespaceQuotaError(
            namespace,
            `it holds ${bytes} bytes and this email has ${email.raw.length}, over its limit (maxBytes ${maxBytes})`,
          )
      }
      const inserted = await client.query<{ seq: string; received_at: Date }>(
        `INSERT INTO mailwright_emails (id, namespace, envelope, size, raw, warnings)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq, received_at`,
        [id, namespace, email.envelope, email.raw.length, email.raw, email.warnings ?? []],
      )
      const row = inserted.rows[0] as { seq: string; received_at: Date }
      const seq = Number(row.seq)
      await client.query(
        'INSERT INTO mailwright_recipients (namespace, address, seq) SELECT $1, unnest($2::text[]), $3',
        [namespace, rcptTo, seq],
      )
      const notice: EmailNotice = { seq, namespace, rcptTo }
      const payload = JSON.stringify(notice)
      // Delivered at COMMIT, to every session listening, in commit order.
      await client.query('SELECT pg_notify($1, $2)', [
        CHANNEL,
        Buffer.byteLength(payload) > MAX_NOTICE_BYTES ? JSON.stringify({ ...notice, rcptTo: [] }) : payload,
      ])
      await client.query('COMMIT')
      return { seq, id, receivedAt: row.received_at }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }

  /** The emails of these seqs, in seq order. */
  async fetch(seqs: readonly number[]): Promise<LoggedEmail[]> {
    if (seqs.length === 0) return []
    const { rows } = await this.#pool.query<EmailRow>(
      `SELECT seq, id, namespace, received_at, envelope, raw, warnings FROM mailwright_emails
       WHERE seq = ANY($1::bigint[]) ORDER BY seq`,
      [seqs],
    )
    return rows.map(toLogged)
  }

  /** The namespace's emails to an address (lower-cased), oldest first, after a seq. */
  async emailsTo(namespace: string, address: string, afterSeq = 0): Promise<LoggedEmail[]> {
    const { rows } = await this.#pool.query<EmailRow>(
      `SELECT e.seq, e.id, e.namespace, e.received_at, e.envelope, e.raw, e.warnings
       FROM mailwright_recipients r JOIN mailwright_emails e ON e.seq = r.seq
       WHERE r.namespace = $1 AND r.address = $2 AND r.seq > $3 ORDER BY r.seq`,
      [namespace, address.toLowerCase(), afterSeq],
    )
    return rows.map(toLogged)
  }

  /**
   * Hears every committed email, from any replica, once each. On a lost connection it reconnects (with a
   * growing pause) and replays what was committed meanwhile, so a wait on this replica never misses an
   * email that arrived through another.
   */
  async subscribe(
    onNotice: (notice: EmailNotice) => void,
    options: { onState?: (state: 'connected' | 'reconnecting', error?: unknown) => void } = {},
  ): Promise<LogSubscription> {
    const seen = new Set<number>()
    // What was committed before the subscription is history, never replayed.
    const floor = await this.#highestSeq()
    let highest = floor
    let closed = false
    let client: pg.Client | undefined
    const hear = (notice: EmailNotice) => {
      if (seen.has(notice.seq)) return
      seen.add(notice.seq)
      if (seen.size > SEEN_LIMIT) {
        // Oldest first: a Set iterates in insertion order.
        for (const old of seen) {
          seen.delete(old)
          if (seen.size <= SEEN_LIMIT / 2) break
        }
      }
      highest = Math.max(highest, notice.seq)
      onNotice(notice)
    }
    const connect = async (): Promise<void> => {
      // Named, so an operator (and a test) can tell the listening session apart in pg_stat_activity.
      const next = new pg.Client({ ...this.#pool.options, application_name: LISTENER_NAME })
      next.on('notification', (message) => {
        if (message.channel !== CHANNEL || !message.payload) return
        hear(JSON.parse(message.payload) as EmailNotice)
      })
      const lost = (error?: unknown) => {
        if (closed || client !== next) return
        options.onState?.('reconnecting', error)
        client = undefined
        void reconnect()
      }
      // A session the server ends while idle may only end: both mean the notices stopped.
      next.on('error', lost)
      next.on('end', () => lost(new Error('the listening session ended')))
      await next.connect()
      await next.query(`LISTEN ${CHANNEL}`)
      client = next
      // What was committed while not listening (or out of seq order just before): replayed, once.
      const { rows } = await next.query<{ seq: string; namespace: string; rcpt_to: string[] }>(
        `SELECT e.seq, e.namespace, array_agg(r.address) AS rcpt_to FROM mailwright_emails e
         JOIN mailwright_recipients r ON r.seq = e.seq WHERE e.seq > $1 GROUP BY e.seq ORDER BY e.seq`,
        [Math.max(floor, highest - CATCH_UP_WINDOW)],
      )
      for (const row of rows) hear({ seq: Number(row.seq), namespace: row.namespace, rcptTo: row.rcpt_to })
      options.onState?.('connected')
    }
    const reconnect = async () => {
      for (let pause = 100; !closed; pause = Math.min(pause * 2, 5000)) {
        try {
          await connect()
          return
        } catch (error) {
          options.onState?.('reconnecting', error)
          await new Promise((resolve) => setTimeout(resolve, pause).unref())
        }
      }
    }
    await connect()
    return {
      async close() {
        closed = true
        await client?.end().catch(() => {})
      },
    }
  }

  async #highestSeq(): Promise<number> {
    const { rows } = await this.#pool.query<{ seq: string | null }>(
      'SELECT max(seq) AS seq FROM mailwright_emails',
    )
    return Number(rows[0]?.seq ?? 0)
  }
}

function checkNamespace(name: string): void {
  if (typeof name !== 'string' || !NAMESPACE.test(name))
    throw new InvalidArgumentError(
      'namespace',
      name,
      'lower-case letters, digits, ".", "_" or "-", starting with a letter or digit (at most 63), e.g. ci-run-4711',
    )
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

interface EmailRow {
  seq: string
  id: string
  namespace: string
  received_at: Date
  envelope: EmailEnvelope
  raw: Buffer
  warnings: string[]
}

function toLogged(row: EmailRow): LoggedEmail {
  return {
    seq: Number(row.seq),
    id: row.id,
    namespace: row.namespace,
    receivedAt: row.received_at,
    envelope: row.envelope,
    raw: row.raw,
    warnings: row.warnings,
  }
}

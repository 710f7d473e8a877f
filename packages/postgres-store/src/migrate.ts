import type pg from 'pg'

/** One step of the schema: applied once, in order, in the transaction that records it. */
interface Migration {
  version: number
  name: string
  sql: string
}

// Raw emails and what routing and listing need: the envelope's recipients, per namespace. Anything a query
// reads from the message is parsed from `raw` when first asked, as in the memory store.
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'namespaces, emails and their recipients',
    sql: `
      CREATE TABLE mailwright_namespaces (
        name text PRIMARY KEY,
        token_sha256 bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        max_emails integer,
        max_bytes bigint,
        max_age_ms bigint
      );
      CREATE TABLE mailwright_emails (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        namespace text NOT NULL REFERENCES mailwright_namespaces (name) ON DELETE CASCADE,
        received_at timestamptz NOT NULL DEFAULT now(),
        envelope jsonb NOT NULL,
        size integer NOT NULL,
        raw bytea NOT NULL,
        warnings text[] NOT NULL DEFAULT '{}'
      );
      CREATE INDEX mailwright_emails_namespace_received ON mailwright_emails (namespace, received_at);
      CREATE TABLE mailwright_recipients (
        namespace text NOT NULL,
        address text NOT NULL,
        seq bigint NOT NULL REFERENCES mailwright_emails (seq) ON DELETE CASCADE,
        PRIMARY KEY (namespace, address, seq)
      );
    `,
  },
]

/** The schema version this package writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0

/** What {@link migrate} found and left. */
export interface MigrateResult {
  from: number
  to: number
}

/**
 * Brings the database's schema to {@link SCHEMA_VERSION}, as every `serve` replica does when it starts. Replicas
 * starting at once take turns on an advisory lock: one applies the steps, the others find them applied. A
 * database written by a newer Mailwright is refused rather than misread.
 *
 * @example
 * const pool = new pg.Pool({ connectionString: url })
 * await migrate(pool) // { from: 0, to: 1 } the first time, { from: 1, to: 1 } after
 */
export async function migrate(db: pg.Pool): Promise<MigrateResult> {
  const client = await db.connect()
  try {
    await client.query('BEGIN')
    // One key for Mailwright's schema: the lock ends with the transaction, whatever happens to this client.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('mailwright-schema'))")
    await client.query(
      'CREATE TABLE IF NOT EXISTS mailwright_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    )
    const found = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM mailwright_schema',
    )
    const from = found.rows[0]?.version ?? 0
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `The database's Mailwright schema is version ${from}, newer than this Mailwright's ${SCHEMA_VERSION}: upgrade every replica to the same Mailwright.`,
      )
    }
    for (const step of MIGRATIONS.filter((m) => m.version > from)) {
      await client.query(step.sql)
      await client.query('INSERT INTO mailwright_schema (version, name) VALUES ($1, $2)', [
        step.version,
        step.name,
      ])
    }
    await client.query('COMMIT')
    return { from, to: SCHEMA_VERSION }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

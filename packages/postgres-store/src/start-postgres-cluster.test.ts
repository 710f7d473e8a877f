import { existsSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWith } from '../../core/src/requirement.test-util.js'
import { migrate, SCHEMA_VERSION } from './migrate.js'
import {
  postgresInstalled,
  type StartedPostgresCluster,
  startPostgresCluster,
} from './start-postgres-cluster.js'

// PostgreSQL from the system's packages, really started: a cluster of its own in a temp directory on
// 127.0.0.1. A laptop without it skips, saying why; CI installs it, so there it fails instead.
describeWith({
  available: postgresInstalled(),
  missing: 'PostgreSQL is not installed',
  install: 'apt-get install postgresql',
})('a throwaway PostgreSQL cluster', () => {
  let cluster: StartedPostgresCluster
  beforeAll(async () => {
    cluster = await startPostgresCluster()
  })
  afterAll(async () => {
    await cluster?.stop()
  })

  it('listens on loopback only, and gives each test a database of its own', async () => {
    const url = await cluster.createDatabase('listening')
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query<{ listen_addresses: string }>('SHOW listen_addresses')
      expect(rows[0]?.listen_addresses).toBe('127.0.0.1')
      const db = await client.query<{ db: string }>('SELECT current_database() AS db')
      expect(db.rows[0]?.db).toBe('listening')
    } finally {
      await client.end()
    }
  })

  it('migrates once when replicas start at the same time, and is a no-op after', async () => {
    const url = await cluster.createDatabase('migrations')
    const pools = [1, 2, 3].map(() => new pg.Pool({ connectionString: url, max: 2 }))
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)))
      expect(results.filter((r) => r.from === 0)).toHaveLength(1)
      expect(results.every((r) => r.to === SCHEMA_VERSION)).toBe(true)
      expect(await migrate(pools[0] as pg.Pool)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION })
      const tables = await (pools[0] as pg.Pool).query<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'mailwright_%' ORDER BY 1",
      )
      expect(tables.rows.map((r) => r.name)).toEqual([
        'mailwright_emails',
        'mailwright_namespaces',
        'mailwright_recipients',
        'mailwright_schema',
      ])
    } finally {
      await Promise.all(pools.map((pool) => pool.end()))
    }
  })

  it('refuses a database a newer Mailwright wrote, rather than misread it', async () => {
    const url = await cluster.createDatabase('newer')
    const pool = new pg.Pool({ connectionString: url })
    try {
      await migrate(pool)
      await pool.query("INSERT INTO mailwright_schema (version, name) VALUES (999, 'from the future')")
      await expect(migrate(pool)).rejects.toThrow(
        `The database's Mailwright schema is version 999, newer than this Mailwright's ${SCHEMA_VERSION}`,
      )
    } finally {
      await pool.end()
    }
  })

  it('removes its files when stopped', async () => {
    const other = await startPostgresCluster()
    const dataDir = await queryOne(other.url, 'SHOW data_directory')
    expect(existsSync(dataDir)).toBe(true)
    await other.stop()
    await expect.poll(() => existsSync(dataDir)).toBe(false)
  })
})

async function queryOne(url: string, sql: string): Promise<string> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query(sql)
    return String(Object.values(rows[0] ?? {})[0])
  } finally {
    await client.end()
  }
}

import { spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, InvalidArgumentError, MailwrightError } from '@mailwright/core'
import { type StartedDaemon, startDaemon } from '@mailwright/core/internal'
import pg from 'pg'

/** Options of {@link startPostgresCluster}. */
export interface PostgresClusterOptions {
  /** Where PostgreSQL's programs are (`initdb`, `postgres`). Default: the newest under /usr/lib/postgresql, else PATH. */
  binDir?: string
  /** TCP port on 127.0.0.1. Default: a free one. */
  port?: number
  /**
   * Keep every write on disk before answering (fsync). Default false: a test or benchmark cluster lives in a
   * temp directory and is thrown away, so durability would only slow it down.
   */
  durable?: boolean
}

/** A running throwaway PostgreSQL cluster. Stop it with `stop()` or `await using`. */
export interface StartedPostgresCluster extends AsyncDisposable {
  /** `postgres://mailwright@127.0.0.1:<port>/postgres`: trust authentication on loopback only. */
  readonly url: string
  readonly port: number
  /** A new empty database on the cluster, and its URL. */
  createDatabase(name: string): Promise<string>
  /** Stops PostgreSQL and removes the cluster's files. */
  stop(): Promise<void>
}

const INSTALL = 'apt-get install postgresql (Debian, Ubuntu), brew install postgresql (macOS)'

/**
 * Starts a PostgreSQL cluster of its own in a temp directory, listening on 127.0.0.1 only, for tests and
 * benchmarks: `initdb`, then `postgres` under Mailwright's watchdog, so it and its files are gone when this
 * process ends, however it ends. As root (CI containers) it runs as the `postgres` user, which PostgreSQL
 * requires.
 *
 * @example
 * await using cluster = await startPostgresCluster()
 * const url = await cluster.createDatabase('fleet')
 */
export async function startPostgresCluster(
  options: PostgresClusterOptions = {},
): Promise<StartedPostgresCluster> {
  const bin = options.binDir ?? findBinDir()
  const initdb = bin ? join(bin, 'initdb') : 'initdb'
  const postgres = bin ? join(bin, 'postgres') : 'postgres'
  const user = process.getuid?.() === 0 ? systemUser('postgres') : undefined
  const dir = mkdtempSync(join(tmpdir(), 'mailwright-postgres-'))
  if (user) chownSync(dir, user.uid, user.gid)
  const data = join(dir, 'data')
  const init = spawnSync(
    initdb,
    ['-D', data, '-A', 'trust', '-U', 'mailwright', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { encoding: 'utf8', ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } },
  )
  if (init.error || init.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    const missing = (init.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
    throw new MailwrightError(
      'POSTGRES',
      missing
        ? `PostgreSQL could not be started: \`${initdb}\` is not installed. Install it (${INSTALL}), or give binDir.`
        : `PostgreSQL's initdb failed (code ${init.status}): ${(init.stderr || init.stdout || '').trim().slice(-2000)}`,
    )
  }
  const port = options.port ?? (await freePort())
  const url = `postgres://mailwright@127.0.0.1:${port}/postgres`
  let daemon: StartedDaemon
  try {
    daemon = await startDaemon({
      name: 'PostgreSQL',
      command: postgres,
      args: [
        '-D',
        data,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        // Its socket in its own directory: nothing of it outside the temp directory.
        '-k',
        dir,
        ...(options.durable
          ? []
          : ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off']),
      ],
      ...(user ? { user } : {}),
      files: dir,
      install: INSTALL,
      startTimeout: 30_000,
      ready: () => canConnect(url),
      error: (message, cause) => new MailwrightError('POSTGRES', message, cause),
    })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const stop = () => daemon.stop()
  return {
    url,
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
        throw new InvalidArgumentError(
          'name',
          name,
          'lower-case letters, digits and _, starting with a letter or _',
        )
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return url.replace(/\/postgres$/, `/${name}`)
    },
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

/** Whether PostgreSQL's server programs are installed where {@link startPostgresCluster} looks. */
export function postgresInstalled(binDir = findBinDir()): boolean {
  const run = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0
  return binDir ? existsSync(join(binDir, 'postgres')) : run('postgres') && run('initdb')
}

// Debian keeps each major version's programs apart; the newest installed wins.
function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] ? join(root, versions[0], 'bin') : undefined
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`))
  const [, , uid, gid] = line?.split(':') ?? []
  if (uid === undefined || gid === undefined)
    throw new MailwrightError(
      'POSTGRES',
      `PostgreSQL refuses to run as root, and there is no \`${name}\` user to run it as. Install PostgreSQL from your distribution (${INSTALL}), which creates it, or run as another user.`,
    )
  return { uid: Number(uid), gid: Number(gid) }
}

import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '@mailwright/core'

const exec = promisify(execFile)

/** A real npm registry (Verdaccio) on 127.0.0.1, with a user whose token can publish. */
export interface LocalRegistry {
  url: string
  /** An npmrc pointing npm and pnpm at this registry, with the token. */
  npmrc: string
  stop(): Promise<void>
}

/**
 * Installs Verdaccio (once, into .tools/verdaccio) and starts it on a free loopback port. Mailwright's own
 * packages are served only from what is published here; every other package is fetched through it from the
 * registry this machine's npm is configured with (never a host written in this repository).
 */
export async function startLocalRegistry(repo: string): Promise<LocalRegistry> {
  const home = join(repo, '.tools/verdaccio')
  const bin = join(home, 'node_modules/verdaccio/bin/verdaccio')
  if (!existsSync(bin)) {
    mkdirSync(home, { recursive: true })
    // verdaccio 6 asks for node-fetch@cjs, a dist-tag some registries do not carry; 2.7.0 is that line.
    writeFileSync(
      join(home, 'package.json'),
      JSON.stringify({
        private: true,
        dependencies: { verdaccio: '6.10.4' },
        overrides: { 'node-fetch': '2.7.0' },
      }),
    )
    await exec('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], {
      cwd: home,
      env: cleanEnv(),
    })
  }
  const uplink = (await exec('npm', ['config', 'get', 'registry'], { env: cleanEnv() })).stdout.trim()
  const cafile = (await exec('npm', ['config', 'get', 'cafile'], { env: cleanEnv() })).stdout.trim()
  const dir = mkdtempSync(join(tmpdir(), 'mailwright-registry-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const config = join(dir, 'config.yaml')
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
      'uplinks:',
      '  upstream:',
      `    url: ${JSON.stringify(uplink)}`,
      '    timeout: 120s',
      'packages:',
      // Ours only from here: a same-named package upstream must never be mixed in.
      "  '@mailwright/*': { access: $all, publish: $authenticated }",
      "  'mailwright': { access: $all, publish: $authenticated }",
      "  '**': { access: $all, publish: $authenticated, proxy: upstream }",
      'log: { type: stdout, format: pretty, level: warn }',
      `listen: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  )
  const child = spawn(process.execPath, [bin, '--config', config], {
    env: { ...cleanEnv(), ...(cafile && cafile !== 'null' ? { NODE_EXTRA_CA_CERTS: cafile } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout?.on('data', (d) => {
    log += d
  })
  child.stderr?.on('data', (d) => {
    log += d
  })
  // Its storage caches every tarball proxied through it (hundreds of MB): removed with the process.
  const stop = async () => {
    await stopChild(child)
    rmSync(dir, { recursive: true, force: true })
  }
  let token: string | undefined
  try {
    await until(
      async () => (await fetch(`${url}-/ping`).catch(() => undefined))?.ok === true,
      60_000,
      () => log,
    )
    const user = await fetch(`${url}-/user/org.couchdb.user:ci`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', password: 'registry-proof-only', type: 'user', roles: [] }),
    })
    token = ((await user.json()) as { token?: string }).token
    if (!token) throw new Error(`Verdaccio gave no token (${user.status}); its log:\n${log}`)
  } catch (error) {
    await stop()
    throw error
  }
  const npmrc = join(dir, 'npmrc')
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`)
  return {
    url,
    npmrc,
    stop,
  }
}

/** The environment for package managers and runners started from a test: none of Vitest's or pnpm's own
 * (pnpm's NODE_PATH would let a fresh project resolve this workspace's packages). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|npm_|NODE_OPTIONS$|NODE_PATH$|PNPM_|MAILWRIGHT_|TEST$)/i.test(key)) continue
    env[key] = value
  }
  return { ...env, ...extra }
}

async function until(check: () => Promise<boolean>, ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Verdaccio did not answer within ${ms} ms; its log:\n${log()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

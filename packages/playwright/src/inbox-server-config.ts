import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configFile } from '@mailwright/core/internal'

/**
 * Where the run's inbox server listens. Without ports, two free ones are picked once per run (smtpEnv() tells
 * the app under test); give fixed ones when something outside the run must know them.
 */
export interface InboxServerConfigOptions {
  smtpPort?: number
  httpPort?: number
  /** Domain of generated addresses. Default `inbox.test`. */
  domain?: string
  /**
   * Reuse a server already listening on fixed ports when it is a Mailwright inbox of this version started with
   * this configuration (default: outside CI); anything else on the port fails the start with what holds it.
   */
  reuseExistingServer?: boolean
  /**
   * The environment of mailwright.config.ts whose sending profile (`profile: { senderIp, helo?, dns? }`) judges
   * SPF/DKIM/DMARC. Default: the one MAILWRIGHT_ENV names, else the config's default.
   */
  environment?: string
}

const HOST = '127.0.0.1'

/**
 * A Playwright `webServer` entry that starts the capture inbox (`mailwright serve`) before the app under
 * test, and tells the test workers where it is (`MAILWRIGHT_INBOX_URL`), so every `inbox` fixture of the
 * run uses it. Put it first in the `webServer` list.
 *
 * @example
 * webServer: [inboxServer({ smtpPort: 2525 }), { command: 'node app.js', url: 'http://127.0.0.1:3000', env: smtpEnv({ smtpPort: 2525 }) }]
 */
export function inboxServer(options: InboxServerConfigOptions = {}) {
  const { smtpPort, httpPort } = runPorts(options)
  const bin = fileURLToPath(import.meta.resolve('mailwright/bin'))
  const args = ['serve', '--host', HOST, '--smtp-port', String(smtpPort), '--http-port', String(httpPort)]
  args.push('--ca-file', caFile(smtpPort))
  if (options.domain) args.push('--domain', options.domain)
  // The sending profile comes from the config, as the fixtures and the Vitest global setup read it: the
  // file this run's workers read (the working directory's), by its absolute path.
  const config = configFile()
  if (config) args.push('--config', config)
  const environment = options.environment || process.env.MAILWRIGHT_ENV || ''
  if (environment) args.push('--env', environment)
  // A server already on these ports is reused only if it answers for this exact configuration and version:
  // a stale inbox started otherwise, another run's, or another program gets no 200, so this one is started
  // and, finding the port taken, says what holds it.
  // The config's text is in it too: a server started with another sending profile is not reused.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([cliVersion(bin), args, config ? readFileSync(config, 'utf8') : '']))
    .digest('hex')
    .slice(0, 16)
  args.push('--fingerprint', fingerprint)
  // Workers are started after the config is read and inherit this environment.
  process.env.MAILWRIGHT_INBOX_URL = `http://${HOST}:${httpPort}`
  return {
    command: [process.execPath, bin, ...args]
      .map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a))
      .join(' '),
    url: `http://${HOST}:${httpPort}/readyz/${fingerprint}`,
    reuseExistingServer: options.reuseExistingServer ?? !process.env.CI,
    // Stopped with SIGTERM (Playwright's default is SIGKILL): open sessions get their 421 and the
    // certificate file is removed.
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 5000 },
    timeout: 30_000,
    stdout: 'pipe' as const,
    name: 'Mailwright inbox',
  }
}

/**
 * The SMTP settings for the app under test, as environment variables: `SMTP_HOST`, `SMTP_PORT`,
 * `SMTP_SECURE` (`false`: plain with STARTTLS offered), `MAILWRIGHT_INBOX_URL`, and `NODE_EXTRA_CA_CERTS`:
 * the inbox's STARTTLS certificate (with any certificates the variable already named), so a Node application
 * upgrades to TLS with its certificate checks on, as in production.
 *
 * @example
 * { command: 'node app.js', env: { ...smtpEnv({ smtpPort: 2525 }), PORT: '3000' } }
 */
export function smtpEnv(options: InboxServerConfigOptions = {}): Record<string, string> {
  const { smtpPort, httpPort } = runPorts(options)
  return {
    SMTP_HOST: HOST,
    SMTP_PORT: String(smtpPort),
    SMTP_SECURE: 'false',
    MAILWRIGHT_INBOX_URL: `http://${HOST}:${httpPort}`,
    NODE_EXTRA_CA_CERTS: caFile(smtpPort),
  }
}

/**
 * The run's ports: the ones given, else two free ones picked once for the run. The config is evaluated again
 * in every worker, so the picked ports go into the environment the workers inherit, and inboxServer() and
 * smtpEnv() read them from there.
 */
function runPorts(options: InboxServerConfigOptions): { smtpPort: number; httpPort: number } {
  if (options.smtpPort !== undefined && options.httpPort !== undefined) {
    return { smtpPort: options.smtpPort, httpPort: options.httpPort }
  }
  if (!process.env.MAILWRIGHT_RUN_PORTS) {
    // listen() has no synchronous form, and a Playwright config is synchronous: ask a child process.
    process.env.MAILWRIGHT_RUN_PORTS = execFileSync(
      process.execPath,
      [
        '-e',
        "const n=require('node:net');const a=n.createServer().listen(0,'127.0.0.1',()=>{const b=n.createServer().listen(0,'127.0.0.1',()=>{console.log(a.address().port+','+b.address().port);a.close();b.close()})})",
      ],
      { encoding: 'utf8' },
    ).trim()
  }
  const [smtp, http] = process.env.MAILWRIGHT_RUN_PORTS.split(',').map(Number)
  return { smtpPort: options.smtpPort ?? (smtp as number), httpPort: options.httpPort ?? (http as number) }
}

/** The `mailwright` package's version, beside the bin this will run. */
function cliVersion(bin: string): string {
  return (JSON.parse(readFileSync(join(dirname(bin), '..', 'package.json'), 'utf8')) as { version: string })
    .version
}

/**
 * Where `mailwright serve --ca-file` puts the certificate of the inbox on this SMTP port: in a folder of this
 * user's only (0700, checked), so no other user of the machine can plant a certificate the app would trust. The
 * name depends on the port alone, so a reused inbox's file is found again.
 */
function caFile(smtpPort: number): string {
  const dir = join(tmpdir(), `mailwright-${process.getuid?.() ?? 'user'}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stat = lstatSync(dir)
  const uid = process.getuid?.()
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
    throw new Error(
      `${dir} is not a private folder of this user (a directory owned by uid ${uid}, mode 0700): another user may have made it. Remove it, or set TMPDIR to a folder of your own.`,
    )
  }
  return join(dir, `inbox-${smtpPort}-ca.pem`)
}

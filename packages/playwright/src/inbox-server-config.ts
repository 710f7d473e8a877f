import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where the run's inbox server listens. Fixed ports, so the app under test can be told before it starts. */
export interface InboxServerConfigOptions {
  smtpPort?: number
  httpPort?: number
  /** Domain of generated addresses. Default `inbox.test`. */
  domain?: string
  /** Reuse a server already listening on these ports (default: outside CI). */
  reuseExistingServer?: boolean
  /** Judge SPF/DKIM/DMARC as mail sent from production: egress IP, HELO, DNS (`system` or a zone file path). */
  sendingProfile?: { ip: string; helo?: string; dns?: 'system' | string }
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
  const smtpPort = options.smtpPort ?? 1025
  const httpPort = options.httpPort ?? 8025
  const bin = fileURLToPath(import.meta.resolve('mailwright/bin'))
  const args = ['serve', '--host', HOST, '--smtp-port', String(smtpPort), '--http-port', String(httpPort)]
  args.push('--ca-file', caFile(smtpPort))
  if (options.domain) args.push('--domain', options.domain)
  const profile = options.sendingProfile
  if (profile) {
    args.push('--sender-ip', profile.ip, '--dns', profile.dns ?? 'system')
    if (profile.helo) args.push('--sender-helo', profile.helo)
  }
  // Workers are started after the config is read and inherit this environment.
  process.env.MAILWRIGHT_INBOX_URL = `http://${HOST}:${httpPort}`
  return {
    command: [process.execPath, bin, ...args]
      .map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a))
      .join(' '),
    url: `http://${HOST}:${httpPort}/readyz`,
    reuseExistingServer: options.reuseExistingServer ?? !process.env.CI,
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
  return {
    SMTP_HOST: HOST,
    SMTP_PORT: String(options.smtpPort ?? 1025),
    SMTP_SECURE: 'false',
    MAILWRIGHT_INBOX_URL: `http://${HOST}:${options.httpPort ?? 8025}`,
    NODE_EXTRA_CA_CERTS: caFile(options.smtpPort ?? 1025),
  }
}

/** Where `mailwright serve --ca-file` puts the certificate of the inbox on this SMTP port. */
function caFile(smtpPort: number): string {
  return join(tmpdir(), `mailwright-inbox-${smtpPort}-ca.pem`)
}

import { parseArgs } from 'node:util'
import { loadDnsZone, Secret, zoneResolver } from '@mailwright/core'
import {
  errorDetail,
  isPlainAddress,
  loadOptionalPackage,
  SMTP_REPLY_SOURCES,
} from '@mailwright/core/internal'
import type { Office365PreflightCheck, SmtpTestResult, smtpTest } from '@mailwright/office365'
import { parseDuration } from './parse-size.js'
import { readInputFile } from './read-input-file.js'
import { UsageError } from './usage-error.js'

export const SMTP_TEST_HELP = `Usage: mailwright smtp-test [options]

Checks an SMTP submission endpoint step by step: for --oauth2 the token first, then banner, EHLO before
and after STARTTLS, TLS version, cipher and certificate, AUTH mechanisms, the AUTH attempt, and optionally
one test message. Prints a transcript with every secret redacted and the explanation of any failure.

Options:
  --host <name>              server (default smtp.office365.com)
  --port <n>                 port (default 587)
  --no-starttls              do not upgrade with STARTTLS (then no credential is sent, see below)
  --allow-plaintext-auth     send the password or token even without STARTTLS: anyone on the network
                             path can read it; only for a test server on a network you trust
  --ca <file>                also trust this CA certificate (PEM): the emulator's, or what
                             \`mailwright serve --ca-file\` wrote
  --servername <name>        the name the certificate must carry (default: the host)
  --user <address>           the mailbox to authenticate as
  --password-env <NAME>      Basic auth (AUTH LOGIN): read the password from this environment variable
  --oauth2                   XOAUTH2 with a client-credentials token (tenant, client, secret from below)
  --tenant-id <id>           default $O365_TENANT_ID
  --client-id <id>           default $O365_CLIENT_ID
  --client-secret-env <NAME> environment variable holding the client secret (default O365_CLIENT_SECRET)
  --login-url <url>          reach login.microsoftonline.com here instead (the emulator)
  --timeout <duration>       deadline of each network step: the token request, connecting, each reply,
                             the TLS handshake (default 15s; e.g. 30s, 2m)
  --from <address>           send as this address (a shared mailbox: Send As or Send on Behalf); without
                             --send-to, only MAIL FROM is tried and reset
  --client-cert <file>       present this client certificate (PEM) at STARTTLS, for a certificate-based
  --client-key <file>        connector (relay); with its private key
  --send-to <address>        send one test message there (must match --allow)
  --allow <rule>             allowed recipients for --send-to, e.g. '*@contoso.com' (repeatable)
  --preflight                before anything is sent, check what can be checked: each token's audience
                             and roles (never printed), the sending domain's MX, SPF, DKIM and DMARC, the
                             client certificate; a failed preflight sends no test message
  --read-back <graph|imap>   with --preflight, also check the roles reading mail back needs
  --domain <name>            with --preflight, the sending domain (default: of --from or --user)
  --dns <file>               with --preflight, answer DNS from this zone (.json or BIND) instead of the
                             system resolver
  --json                     print the result as JSON
  -h, --help                 show this help

Exit codes: 0 all steps passed, 2 bad usage, 3 connect/EHLO failed, 4 STARTTLS/certificate failed,
5 authentication failed, 6 the test message (or --from) was refused, 7 no token (Entra refused the app,
or the login server could not be reached), 8 the preflight found a problem.
`

const EXIT: Record<string, number> = {
  connect: 3,
  ehlo: 3,
  starttls: 4,
  auth: 5,
  'send-as': 6,
  send: 6,
  token: 7,
}

/**
 * `mailwright smtp-test`: {@link smtpTest} from the command line; secrets only from environment variables.
 *
 * @example
 * process.exitCode = await smtpTestCommand(['--user', 'qa@contoso.com', '--oauth2'], { out: console.log, env: process.env })
 */
export async function smtpTestCommand(
  argv: string[],
  io: { out: (line: string) => void; env: NodeJS.ProcessEnv },
): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(argv).values
  } catch (error) {
    throw new UsageError(
      `mailwright smtp-test: ${(error as Error).message}. Run \`mailwright smtp-test --help\`.`,
    )
  }
  if (values.help) {
    io.out(SMTP_TEST_HELP)
    return 0
  }
  const port = Number(values.port ?? 587)
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`mailwright smtp-test: --port ${JSON.stringify(values.port)} is not a port.`)
  const fromEnv = (name: string, flag: string) => {
    const value = io.env[name]
    if (!value)
      throw new UsageError(
        `mailwright smtp-test: ${flag} reads $${name}, which is not set. Set it in the environment; secrets are never passed as flags.`,
      )
    return new Secret(name, value)
  }
  const password = values['password-env'] ? fromEnv(values['password-env'], '--password-env') : undefined
  let oauth2: Parameters<typeof smtpTest>[0]['oauth2']
  if (values.oauth2) {
    const tenantId = values['tenant-id'] ?? io.env.O365_TENANT_ID
    const clientId = values['client-id'] ?? io.env.O365_CLIENT_ID
    if (!tenantId || !clientId)
      throw new UsageError(
        'mailwright smtp-test: --oauth2 needs --tenant-id and --client-id (or $O365_TENANT_ID and $O365_CLIENT_ID).',
      )
    oauth2 = {
      tenantId,
      clientId,
      clientSecret: fromEnv(values['client-secret-env'] ?? 'O365_CLIENT_SECRET', '--oauth2'),
      loginUrl: values['login-url'],
    }
  }
  if ((password || oauth2) && !values.user)
    throw new UsageError('mailwright smtp-test: authentication needs --user <mailbox>.')
  let timeoutMs: number | undefined
  if (values.timeout !== undefined) {
    timeoutMs = parseDuration(values.timeout)
    if (timeoutMs === undefined)
      throw new UsageError(
        `mailwright smtp-test: --timeout ${JSON.stringify(values.timeout)} is not a duration; use e.g. 15s, 2m.`,
      )
    if (timeoutMs <= 0)
      throw new UsageError(
        `mailwright smtp-test: --timeout ${JSON.stringify(values.timeout)} gives no time for a step; use more than 0, e.g. 15s.`,
      )
  }
  if (Boolean(values['client-cert']) !== Boolean(values['client-key']))
    throw new UsageError(
      `mailwright smtp-test: ${values['client-cert'] ? `--client-cert ${values['client-cert']} needs --client-key <file>` : `--client-key ${values['client-key']} needs --client-cert <file>`}, its certificate (PEM): they go together.`,
    )
  for (const [flag, value] of [
    ['--from', values.from],
    ['--send-to', values['send-to']],
  ] as const)
    if (value !== undefined && !isPlainAddress(value))
      throw new UsageError(
        `mailwright smtp-test: ${flag} ${JSON.stringify(value)} is not one email address (local@domain, without spaces or angle brackets).`,
      )
  const clientCertificate =
    values['client-cert'] && values['client-key']
      ? {
          cert: readInputFile(values['client-cert'], 'mailwright smtp-test: --client-cert', 'utf8'),
          key: readInputFile(values['client-key'], 'mailwright smtp-test: --client-key', 'utf8'),
        }
      : undefined
  for (const flag of ['read-back', 'domain', 'dns'] as const)
    if (values[flag] !== undefined && !values.preflight)
      throw new UsageError(`mailwright smtp-test: --${flag} belongs to --preflight; add --preflight.`)
  if (values['read-back'] !== undefined && !['graph', 'imap'].includes(values['read-back']))
    throw new UsageError(
      `mailwright smtp-test: --read-back ${JSON.stringify(values['read-back'])} is not graph or imap.`,
    )
  let dns: ReturnType<typeof zoneResolver> | undefined
  if (values.dns) {
    try {
      dns = zoneResolver(loadDnsZone(values.dns))
    } catch (error) {
      throw new UsageError(`mailwright smtp-test: --dns ${errorDetail(error)}`)
    }
  }
  const ca = values.ca ? readInputFile(values.ca, 'mailwright smtp-test: --ca', 'utf8') : undefined
  const host = values.host ?? 'smtp.office365.com'
  // Office 365 support is an optional package: a sandbox-only install does not carry msal-node.
  const office365 = await loadOptionalPackage<typeof import('@mailwright/office365')>(
    '@mailwright/office365',
    'mailwright smtp-test',
    import.meta.url,
  )
  let preflight: Office365PreflightCheck[] | undefined
  if (values.preflight) {
    preflight = await office365.office365Preflight({
      credentials: oauth2,
      read: values['read-back'] as 'graph' | 'imap' | undefined,
      domain: values.domain ?? (values.from ?? values.user)?.split('@')[1],
      dns: dns ?? 'system',
      clientCertificate,
      timeoutMs,
    })
  }
  const preflightFailed = preflight?.some((check) => check.status === 'fail') ?? false
  const result = await office365.smtpTest({
    host,
    port,
    starttls: !values['no-starttls'],
    ca,
    servername: values.servername,
    user: values.user,
    password,
    oauth2,
    // Nothing is sent after a failed preflight.
    sendTo: preflightFailed ? undefined : values['send-to'],
    from: values.from,
    clientCertificate,
    allowRecipients: values.allow ?? [],
    allowPlaintextAuth: values['allow-plaintext-auth'] ?? false,
    timeoutMs,
  })
  if (values.json) io.out(JSON.stringify(preflight ? { preflight, ...result } : result, null, 2))
  else {
    if (preflight) printPreflight(preflight, preflightFailed && Boolean(values['send-to']), io.out)
    print(result, `${host}:${port}`, io.out, preflightFailed)
  }
  if (preflightFailed) return 8
  return result.ok ? 0 : (EXIT[result.failedStage ?? 'connect'] ?? 1)
}

// An explanation's short source names (`MS-OAUTH [V]`) with the public page each stands for, so an admin
// can open it from the terminal.
function withAddresses(source: string): string {
  return source.replace(/\b[A-Z]+-[A-Z0-9-]+\b/g, (name) => {
    const address = SMTP_REPLY_SOURCES[name]
    return address ? `${name} ${address}` : name
  })
}

function printPreflight(
  checks: Office365PreflightCheck[],
  withheld: boolean,
  out: (line: string) => void,
): void {
  out('mailwright smtp-test --preflight')
  for (const check of checks) {
    out(
      `  ${check.status === 'ok' ? '✓' : check.status === 'warn' ? '!' : '✗'} ${check.name}: ${check.detail}`,
    )
    if (check.fix) out(`      What to do: ${check.fix}`)
    if (check.source && check.status !== 'ok') out(`      (Source: ${check.source})`)
  }
  if (withheld) out('  The test message was not sent: the preflight failed.')
  out('')
}

function print(
  result: SmtpTestResult,
  target: string,
  out: (line: string) => void,
  preflightFailed: boolean,
): void {
  out(`mailwright smtp-test ${target}`)
  for (const step of result.steps) {
    out(`  ${step.ok ? '✓' : '✗'} ${step.name.padEnd(9)} ${step.detail}`)
    if (step.explanation) {
      out(`              ${step.explanation.title}: ${step.explanation.cause}`)
      out(`              What to do: ${step.explanation.fix}`)
      out(`              (Source: ${withAddresses(step.explanation.source)})`)
    }
  }
  out(
    !result.ok
      ? `Failed at ${result.failedStage}.`
      : preflightFailed
        ? 'All steps passed, but the preflight did not (see above).'
        : 'All steps passed.',
  )
  out('')
  out('Transcript (secrets redacted):')
  for (const line of result.transcript) out(`  ${line}`)
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'no-starttls': { type: 'boolean' },
      'allow-plaintext-auth': { type: 'boolean' },
      ca: { type: 'string' },
      servername: { type: 'string' },
      user: { type: 'string' },
      'password-env': { type: 'string' },
      oauth2: { type: 'boolean' },
      'tenant-id': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-env': { type: 'string' },
      'login-url': { type: 'string' },
      'send-to': { type: 'string' },
      from: { type: 'string' },
      'client-cert': { type: 'string' },
      'client-key': { type: 'string' },
      preflight: { type: 'boolean' },
      'read-back': { type: 'string' },
      domain: { type: 'string' },
      dns: { type: 'string' },
      timeout: { type: 'string' },
      allow: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

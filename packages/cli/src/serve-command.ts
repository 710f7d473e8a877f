import { existsSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  FAULT_PRESET_NAMES,
  type FaultPresetName,
  type FaultStage,
  InvalidArgumentError,
  loadConfig,
  MailwrightError,
  resolveEnvironment,
  type SmtpFault,
} from '@mailwright/core'
import { sendingProfileOf } from '@mailwright/core/internal'
import { type InboxServerOptions, startInboxServer, writeCaFile } from '@mailwright/inbox-server'
import { parseCommandArgs } from './parse-command-args.js'
import { parseDuration, parseSize } from './parse-size.js'
import { portOption } from './port-option.js'
import { readInputFile } from './read-input-file.js'
import { sendingProfileOption } from './sending-profile-option.js'
import { UsageError } from './usage-error.js'

export const SERVE_HELP = `Usage: mailwright serve [options]

Starts the capture inbox: SMTP for the application under test, HTTP API for tests.

Options:
  --host <ip>            interface to listen on (default 127.0.0.1)
  --smtp-port <n>        SMTP port, 0 = any free one (default 1025)
  --http-port <n>        HTTP API port, 0 = any free one (default 8025)
  --domain <name>        domain of generated inbox addresses (default inbox.test)
  --hostname <name>      name in the SMTP greeting (default mailwright.localhost)
  --no-tls               do not offer STARTTLS
  --tls-cert <file>      PEM certificate for STARTTLS (with --tls-key; default: generated at start-up)
  --tls-key <file>       PEM private key for STARTTLS
  --fingerprint <id>     an id of the configuration that started it: GET /readyz/<id> answers 200 only
                         for the same id (inboxServer() uses it to reuse only a server it would start)
  --ca-file <file>       write the generated STARTTLS certificate there (after any NODE_EXTRA_CA_CERTS
                         certificates), for the app under test to trust as NODE_EXTRA_CA_CERTS; removed
                         at stop
  --auth <mode>          off | optional | required (default optional: any credentials accepted and recorded)
  --auth-user <u:p>      accept only these users (repeatable); the secret is the password or XOAUTH2 token
  --max-size <size>      largest message, e.g. 25MB (default 25MB)
  --max-emails <n>       emails kept before the oldest are evicted (default 10000)
  --max-age <duration>   age after which emails are evicted, e.g. 30m, 2h (default 1h)
  --max-bytes <size>     total bytes kept, e.g. 512MB (default 512MB)
  --accept-bare-lf       capture messages with bare CR/LF line endings (default: reject with 550)
  --allowed-host <name>  also answer HTTP requests for this Host (repeatable), e.g. when bound to 0.0.0.0 and
                         reached as ci-runner:8025; other names are refused (DNS rebinding)
  --allow-origin <url>   let web pages of this origin call the HTTP API (CORS, repeatable); default none
  --max-clients <n>      SMTP connections at once; more get 421 (default 1000)
  --session-timeout <t>  time an SMTP connection has to deliver its next message, e.g. 5m (default 5m)
  --pattern-budget <t>   time one query's patterns may take on one email, e.g. 500ms (default 1s);
                         a pattern past it fails its own wait (422), never the server
  --config <file>        judge SPF/DKIM/DMARC with the sending profile of this mailwright.config file (or
                         folder): the environment MAILWRIGHT_ENV names, else the config's default
  --env <name>           the same, for this environment (of --config, else of the working directory's
                         config); Playwright's inboxServer() passes both
  --sender-ip <ip>       judge SPF/DKIM/DMARC as if mail came from this production IP (turns verdicts on)
  --sender-helo <name>   the production HELO name for SPF (default: what the client said)
  --dns <system|file>    DNS for verdicts: the system resolver, or a .json records / BIND zone file
  --fault <fault>        make the SMTP server misbehave for EVERY session and address (repeatable; for
                         trying an application by hand: tests running against it will fail). One of:
                           office365-throttling | office365-concurrency | office365-quota
                           greylist:<duration>             e.g. greylist:30s (durations take a unit: ms, s, m)
                           <stage>:<reply>                 e.g. "rcpt:451 4.7.1 Try again later"
                           <stage>:drop | <stage>:delay=<duration>
                           a JSON fault                    e.g. '{"stage":"mail","reply":"421 4.3.2 Busy","times":3}'
                         stages: connect, ehlo, auth, mail, rcpt, data, message. Tests use inbox.simulate()
  -h, --help             show this help
`

/**
 * `mailwright serve`: turns command-line flags into {@link InboxServerOptions}, starts the server, prints
 * where it listens, and stops cleanly on SIGINT/SIGTERM.
 *
 * @example
 * await serveCommand(['--smtp-port', '2525', '--http-port', '0'], { out: console.log })
 */
export async function serveCommand(
  argv: string[],
  io: { out: (line: string) => void; signals?: NodeJS.EventEmitter; exit?: (code: number) => void },
): Promise<{ stop(): Promise<void> } | undefined> {
  const values = parseCommandArgs('mailwright serve', argv, OPTIONS)
  if (values.help) {
    io.out(SERVE_HELP)
    return undefined
  }
  const options = toOptions(values)
  if (values.config !== undefined || values.env !== undefined) {
    if (options.sendingProfile)
      throw new UsageError(
        'mailwright serve: --config/--env and --sender-ip both give a sending profile; give it in one place (the config).',
      )
    const config = values.config === undefined ? process.cwd() : resolve(values.config)
    if (values.config !== undefined && !existsSync(config))
      throw new UsageError(`mailwright serve: --config ${values.config}: no such file or folder.`)
    const environment = await resolveEnvironment(await loadConfig(config), { name: values.env || undefined })
    options.sendingProfile = sendingProfileOf(environment)
  }
  const server = await startInboxServer(options).catch(async (error: Error & { value?: unknown }) => {
    if (error instanceof InvalidArgumentError && error.parameter.startsWith('faults['))
      throw new UsageError(
        `mailwright serve: --fault ${values.fault?.[Number(/\[(\d+)\]/.exec(error.parameter)?.[1])] ?? ''}: ${error.detail}`,
      )
    if ((error.cause as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') throw error
    throw new MailwrightError('PORT_IN_USE', await portTaken(options, error.value as number))
  })
  const caFile = values['ca-file']
  if (caFile && server.smtp.ca) writeCaFile(server.smtp.ca, caFile)
  if (caFile && !server.smtp.ca) {
    io.out(
      `  --ca-file ${caFile}: nothing written (${values['no-tls'] ? 'no STARTTLS with --no-tls' : 'the certificate is your --tls-cert; trust its CA instead'})`,
    )
  }
  // Handlers go in before the ready lines: whoever reads those may signal at once.
  const signals = io.signals ?? process
  let stopped: Promise<void> | undefined
  const stop = () => {
    if (caFile && server.smtp.ca) rmSync(caFile, { force: true })
    stopped ??= server.stop().then(
      () => io.out('Mailwright inbox stopped.'),
      (error: Error) => {
        io.out(`Mailwright inbox did not stop cleanly: ${error.message}`)
        process.exitCode = 1
      },
    )
    return stopped
  }
  // The first signal stops gracefully (421 to SMTP sessions, an answer to every waiter); a second one
  // means "now", as with any server.
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopped) {
      io.out(`Second ${signal}: exiting without waiting.`)
      ;(io.exit ?? process.exit)(signal === 'SIGINT' ? 130 : 143)
      return
    }
    io.out(
      `${signal}: stopping (open SMTP sessions get 421, pending waits an answer); ${signal} again exits at once.`,
    )
    void stop()
  }
  signals.on('SIGINT', onSignal)
  signals.on('SIGTERM', onSignal)
  const auth =
    options.auth === false ? 'AUTH off' : options.auth?.required ? 'AUTH required' : 'AUTH optional'
  io.out('Mailwright inbox is ready')
  io.out(
    `  SMTP  ${server.smtp.host}:${server.smtp.port} (${server.smtp.starttls ? 'STARTTLS offered' : 'no STARTTLS'}, ${auth})`,
  )
  if (caFile && server.smtp.ca) io.out(`  Certificate  ${caFile} (trust it: NODE_EXTRA_CA_CERTS=${caFile})`)
  io.out(`  Web UI  ${server.url}/`)
  io.out(`  HTTP API  ${server.url}/api (docs/http-api.md)`)
  io.out(`  Addresses  <name>+<id>@${server.domain}`)
  if (options.sendingProfile) {
    const dns = values.dns ?? (typeof options.sendingProfile.dns === 'string' ? 'system' : 'the config')
    io.out(`  Verdicts  SPF/DKIM/DMARC as sent from ${options.sendingProfile.ip} (DNS: ${dns})`)
  }
  if (server.faults.length) {
    // Loud on purpose: a server that refuses mail on purpose must never be mistaken for a broken one.
    io.out('')
    io.out('  !!! FAULTS ON: every SMTP session and every address gets these, in order (--fault):')
    for (const [i, fault] of server.faults.entries()) io.out(`  !!!   ${i + 1}. ${fault.description}`)
    io.out('  !!! Tests running against this server will fail; they simulate faults per inbox instead.')
    io.out('')
  }
  io.out('Stop with Ctrl+C.')
  return { stop }
}

const OPTIONS = {
  host: { type: 'string' },
  'smtp-port': { type: 'string' },
  'http-port': { type: 'string' },
  domain: { type: 'string' },
  hostname: { type: 'string' },
  'no-tls': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'ca-file': { type: 'string' },
  fingerprint: { type: 'string' },
  config: { type: 'string' },
  env: { type: 'string' },
  auth: { type: 'string' },
  'auth-user': { type: 'string', multiple: true },
  'max-size': { type: 'string' },
  'max-emails': { type: 'string' },
  'max-age': { type: 'string' },
  'max-bytes': { type: 'string' },
  'accept-bare-lf': { type: 'boolean' },
  'pattern-budget': { type: 'string' },
  'max-clients': { type: 'string' },
  'session-timeout': { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  'allow-origin': { type: 'string', multiple: true },
  'sender-ip': { type: 'string' },
  'sender-helo': { type: 'string' },
  dns: { type: 'string' },
  fault: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const

function toOptions(values: ReturnType<typeof parseCommandArgs<typeof OPTIONS>>): InboxServerOptions {
  const options: InboxServerOptions = {
    host: values.host ?? '127.0.0.1',
    smtpPort: portOption('mailwright serve', '--smtp-port', values['smtp-port'], 1025),
    httpPort: portOption('mailwright serve', '--http-port', values['http-port'], 8025),
    domain: values.domain,
    hostname: values.hostname,
    maxMessageSize: size(values['max-size'], '--max-size'),
    bareLineEndings: values['accept-bare-lf'] ? 'accept' : 'reject',
    patternBudgetMs: duration(values['pattern-budget'], '--pattern-budget'),
    maxClients: whole(values['max-clients'], '--max-clients'),
    sessionTimeoutMs: duration(values['session-timeout'], '--session-timeout'),
    allowedHosts: values['allowed-host'] ?? [],
    allowedOrigins: (values['allow-origin'] ?? []).map(originOption),
    ...(values.fingerprint ? { fingerprint: values.fingerprint } : {}),
    retention: {
      maxEmails: whole(values['max-emails'], '--max-emails'),
      maxAgeMs: duration(values['max-age'], '--max-age'),
      maxBytes: size(values['max-bytes'], '--max-bytes'),
    },
  }
  const profile = sendingProfileOption('mailwright serve', values)
  if (profile) options.sendingProfile = profile
  if (values.fault?.length) options.faults = values.fault.map(faultOption)
  if (values['no-tls']) options.tls = false
  else if (values['tls-cert'] || values['tls-key']) {
    if (!values['tls-cert'] || !values['tls-key']) {
      throw new UsageError(
        'mailwright serve: --tls-cert and --tls-key go together; give both PEM files, or neither to generate a certificate.',
      )
    }
    options.tls = {
      cert: readInputFile(values['tls-cert'], 'mailwright serve: --tls-cert', 'utf8'),
      key: readInputFile(values['tls-key'], 'mailwright serve: --tls-key', 'utf8'),
    }
  }
  const mode = values.auth ?? 'optional'
  if (!['off', 'optional', 'required'].includes(mode)) {
    throw new UsageError(
      `mailwright serve: --auth ${JSON.stringify(mode)} is not a mode; use off, optional or required.`,
    )
  }
  if (mode === 'off') options.auth = false
  else {
    const users = values['auth-user']?.map((pair) => {
      const colon = pair.indexOf(':')
      if (colon <= 0)
        throw new UsageError(
          `mailwright serve: --auth-user needs user:secret, got ${JSON.stringify(pair.replace(/:.*/, ':…'))}.`,
        )
      return [pair.slice(0, colon), pair.slice(colon + 1)] as const
    })
    options.auth = { required: mode === 'required', users: users ? Object.fromEntries(users) : undefined }
  }
  return options
}

// The shorthand of --fault, or a JSON fault; each is checked by the server as it starts.
function faultOption(text: string): SmtpFault {
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as SmtpFault
    } catch (error) {
      throw new UsageError(`mailwright serve: --fault ${text}: not JSON (${(error as Error).message}).`)
    }
  }
  if ((FAULT_PRESET_NAMES as readonly string[]).includes(text)) return { preset: text as FaultPresetName }
  const [, stage, what] = /^([A-Za-z_]+):(.*)$/.exec(text) ?? []
  // A bare number would be seconds to parseDuration but milliseconds in a JSON fault: a unit is required.
  const withUnit = (value: string) => (/^\d+(\.\d+)?$/.test(value) ? undefined : parseDuration(value))
  if (stage === 'greylist') {
    const retryAfter = withUnit(what ?? '')
    if (retryAfter !== undefined) return { greylist: { retryAfter } }
  } else if (stage && what === 'drop') return { stage: stage as FaultStage, drop: true }
  else if (stage && what?.startsWith('delay=')) {
    const delay = withUnit(what.slice('delay='.length))
    if (delay !== undefined) return { stage: stage as FaultStage, delay }
  } else if (stage && what) return { stage: stage as FaultStage, reply: what }
  throw new UsageError(
    `mailwright serve: --fault ${JSON.stringify(text)} is not a fault; use a preset (${FAULT_PRESET_NAMES.join(', ')}), greylist:<duration>, <stage>:<reply>, <stage>:drop, <stage>:delay=<duration> (durations with a unit: 1500ms, 30s) or a JSON fault (mailwright serve --help).`,
  )
}

function whole(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`mailwright serve: ${flag} ${JSON.stringify(text)} is not a whole number >= 1.`)
  return Number(text)
}

function size(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const bytes = parseSize(text)
  if (bytes === undefined)
    throw new UsageError(
      `mailwright serve: ${flag} ${JSON.stringify(text)} is not a size; use bytes or a unit, e.g. 10MB, 512KB.`,
    )
  return bytes
}

function duration(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const ms = parseDuration(text)
  if (ms === undefined)
    throw new UsageError(
      `mailwright serve: ${flag} ${JSON.stringify(text)} is not a duration; use e.g. 90s, 30m, 2h.`,
    )
  return ms
}

function originOption(text: string): string {
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {}
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== text.replace(/\/$/, '')) {
    throw new UsageError(
      `mailwright serve: --allow-origin ${JSON.stringify(text)} is not an origin; give scheme, host and port only, e.g. http://localhost:5173.`,
    )
  }
  return url.origin
}

/** Says what holds a port serve wanted: a Mailwright inbox started otherwise, or something else. */
async function portTaken(options: InboxServerOptions, port: number | undefined): Promise<string> {
  const host = options.host ?? '127.0.0.1'
  const kind = port === options.smtpPort ? 'SMTP' : port === options.httpPort ? 'HTTP' : 'a'
  let holder = 'another program'
  if (typeof options.httpPort === 'number' && options.httpPort > 0) {
    const answer = await fetch(`http://${host}:${options.httpPort}/readyz`, {
      signal: AbortSignal.timeout(2000),
    })
      .then(async (r) => ({
        status: r.status,
        body: (await r.json().catch(() => undefined)) as Record<string, unknown> | undefined,
      }))
      .catch(() => undefined)
    if (answer?.body?.server === 'mailwright') {
      holder = `a Mailwright inbox ${String(answer.body.version)} (${answer.body.fingerprint ? `configuration ${String(answer.body.fingerprint)}` : 'started by hand or in process'}), perhaps left over from an earlier run`
    } else if (answer) {
      holder = `something that is not a Mailwright inbox (GET /readyz on port ${options.httpPort} answered ${answer.status})`
    }
  }
  return `${kind} port ${port ?? '?'} on ${host} is already in use by ${holder}. Stop it (e.g. \`lsof -i :${port ?? ''}\` shows the process), or give this inbox other ports: --smtp-port / --http-port, or inboxServer({ smtpPort, httpPort }), where leaving them out picks free ports.`
}

import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadOptionalPackage } from '@mailwright/core/internal'
import type { TenantModel } from '@mailwright/office365-emulator'
import { parseCommandArgs } from './parse-command-args.js'
import { portOption } from './port-option.js'
import { readInputFile } from './read-input-file.js'
import { sendingProfileOption } from './sending-profile-option.js'
import { UsageError } from './usage-error.js'

const COMMAND = 'mailwright office365-emulator'

export const OFFICE365_EMULATOR_HELP = `Usage: mailwright office365-emulator --tenant <file.json> [options]

Starts the offline Office 365 stand-in on 127.0.0.1: client submission (smtp.office365.com:587), the
tenant's MX endpoint (port 25 relay and Direct send), the token endpoint (login.microsoftonline.com) and
Graph (graph.microsoft.com), driven by a tenant model in which each documented failure can be switched on.

Options:
  --tenant <file.json>   the tenant model: { "domain": "contoso.test", "mailboxes": {…}, "apps": {…}, … }
  --smtp-port <n>        submission port (default 0 = any free one)
  --mx-port <n>          MX endpoint port (default 0)
  --login-port <n>       token endpoint port (default 0)
  --graph-port <n>       Graph port (default 0)
  --certs <dir>          write the endpoints' certificates there (smtp.pem, mx.pem), to trust as \`ca\`
  --sender-ip <ip>       stamp delivered mail with Exchange-style Authentication-Results as if sent from this IP
  --sender-helo <name>   the HELO name for SPF (with --sender-ip)
  --dns <system|file>    DNS for those verdicts: the system resolver, or a .json records / BIND zone file
  -h, --help             show this help
`

/**
 * `mailwright office365-emulator`: reads a tenant model, starts the emulator, prints its endpoints, and
 * stops on SIGINT/SIGTERM.
 *
 * @example
 * await office365EmulatorCommand(['--tenant', 'tenant.json', '--smtp-port', '5587'], { out: console.log })
 */
export async function office365EmulatorCommand(
  argv: string[],
  io: { out: (line: string) => void; signals?: NodeJS.EventEmitter },
): Promise<{ stop(): Promise<void> } | undefined> {
  const values = parseCommandArgs(COMMAND, argv, OPTIONS)
  if (values.help) {
    io.out(OFFICE365_EMULATOR_HELP)
    return undefined
  }
  if (!values.tenant) {
    throw new UsageError(
      `${COMMAND}: --tenant is required; give a JSON file such as { "domain": "contoso.test", "mailboxes": { "qa@contoso.test": {} } }.`,
    )
  }
  // The emulator is an optional package: a sandbox-only install does not carry it.
  const { startOffice365Emulator, tenantModel } = await loadOptionalPackage<
    typeof import('@mailwright/office365-emulator')
  >('@mailwright/office365-emulator', COMMAND, import.meta.url)
  const tenant = tenantModel(readTenant(values.tenant))
  const stamp = sendingProfileOption(COMMAND, values)
  const exo = await startOffice365Emulator({
    tenant,
    ...(stamp ? { stamp } : {}),
    ports: {
      smtp: portOption(COMMAND, '--smtp-port', values['smtp-port'], 0),
      mx: portOption(COMMAND, '--mx-port', values['mx-port'], 0),
      login: portOption(COMMAND, '--login-port', values['login-port'], 0),
      graph: portOption(COMMAND, '--graph-port', values['graph-port'], 0),
    },
  })
  const signals = io.signals ?? process
  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= exo.stop().then(() => io.out('Office 365 emulator stopped.'))
    return stopped
  }
  signals.once('SIGINT', stop)
  signals.once('SIGTERM', stop)
  io.out('Office 365 emulator is ready')
  io.out(`  Submission  ${exo.smtp.host}:${exo.smtp.port} (stands for smtp.office365.com:587)`)
  io.out(`  MX          ${exo.mx.host}:${exo.mx.port} (stands for ${exo.mx.servername}:25)`)
  io.out(`  Login       ${exo.loginUrl} (stands for https://login.microsoftonline.com)`)
  io.out(`  Graph       ${exo.graphUrl} (stands for https://graph.microsoft.com)`)
  io.out(`  Tenant      ${tenant.tenantId} (${tenant.domain})`)
  if (values.certs) {
    const dir = resolve(values.certs)
    try {
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'smtp.pem'), exo.smtp.ca)
      writeFileSync(join(dir, 'mx.pem'), exo.mx.ca)
    } catch (error) {
      await exo.stop()
      throw new UsageError(`${COMMAND}: --certs cannot write to ${dir}: ${(error as Error).message}.`)
    }
    io.out(`  Certificates  ${join(dir, 'smtp.pem')}, ${join(dir, 'mx.pem')}`)
  }
  io.out('Stop with Ctrl+C.')
  return { stop }
}

function readTenant(file: string): Partial<TenantModel> & Pick<TenantModel, 'domain'> {
  const text = readInputFile(file, `${COMMAND}: --tenant`, 'utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UsageError(
      `${COMMAND}: --tenant ${file} is not JSON (${(error as Error).message}); fix the file.`,
    )
  }
  if (!parsed || typeof parsed !== 'object' || typeof (parsed as { domain?: unknown }).domain !== 'string') {
    throw new UsageError(
      `${COMMAND}: --tenant ${file} has no "domain"; add the accepted domain, e.g. "domain": "contoso.test".`,
    )
  }
  return parsed as Partial<TenantModel> & Pick<TenantModel, 'domain'>
}

const OPTIONS = {
  tenant: { type: 'string' },
  'smtp-port': { type: 'string' },
  'mx-port': { type: 'string' },
  'login-port': { type: 'string' },
  'graph-port': { type: 'string' },
  certs: { type: 'string' },
  'sender-ip': { type: 'string' },
  'sender-helo': { type: 'string' },
  dns: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

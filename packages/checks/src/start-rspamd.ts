import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CheckError, type DnsResolver } from '@mailwright/core'
import { startDaemon } from '@mailwright/core/internal'
import { type StartedOfflineFilter, startOfflineFilter } from './start-offline-filter.js'

/** Options of {@link startRspamd}. */
export interface RspamdOptions {
  /** The `rspamd` executable. Default `rspamd` on the PATH (Debian/Ubuntu: `apt-get install rspamd`). */
  command?: string
  /** Rspamd's stock configuration it builds on. Default `/etc/rspamd`. */
  configDir?: string
  /**
   * DNS for the SPF, DKIM and DMARC modules: the sending profile's offline zone. Every other name is
   * NXDOMAIN, answered on loopback: rspamd never reaches a real resolver.
   */
  dns?: DnsResolver
  /** How long rspamd may take to load its rules, in ms (scaled by `MAILWRIGHT_TIME_SCALE`). Default 60 s. */
  startTimeout?: number
}

/** A running rspamd, offline, on 127.0.0.1; stops with the process that started it. */
export type StartedRspamd = StartedOfflineFilter

/**
 * The modules Mailwright turns off because they need the network: blocklists, reputation and hash
 * services, and maps fetched over HTTP. Their rules never fire offline, so a score here is what the
 * content, headers and authentication earn on their own. Named in the results and in docs/spam-score.md.
 */
export const RSPAMD_OFFLINE_DISABLED = [
  'rbl and surbl (DNS and URL blocklists)',
  'emails (address blocklists)',
  'fuzzy_check, dcc (hash services)',
  'asn',
  'phishtank and openphish',
  'the freemail, disposable and whitelist maps of maps.rspamd.com',
  "hfilter's HELO and hostname lookups",
  'bayes, neural, reputation, replies (need Redis and training)',
  'url_redirector',
] as const

// Stock settings with the network taken out. override.d replaces a module's keys; local.d merges. Maps
// fetched over HTTP are replaced by the copies the package installs in its config directory.
const offlineConfig = (configDir: string): Record<string, string> => ({
  'override.d/rbl.conf': 'enabled = false;',
  'override.d/surbl.conf': 'enabled = false;',
  'override.d/emails.conf': 'enabled = false;',
  'override.d/fuzzy_check.conf': 'enabled = false;',
  'override.d/dcc.conf': 'enabled = false;',
  'override.d/asn.conf': 'enabled = false;',
  'override.d/multimap.conf': 'enabled = false;',
  'override.d/whitelist.conf': 'enabled = false;',
  'override.d/rspamd_update.conf': 'enabled = false;',
  'override.d/url_redirector.conf': 'enabled = false;',
  'override.d/external_services.conf': 'enabled = false;',
  'override.d/antivirus.conf': 'enabled = false;',
  'override.d/neural.conf': 'enabled = false;',
  'override.d/reputation.conf': 'enabled = false;',
  'override.d/replies.conf': 'enabled = false;',
  'override.d/greylist.conf': 'enabled = false;',
  'override.d/ratelimit.conf': 'enabled = false;',
  'override.d/history_redis.conf': 'enabled = false;',
  'override.d/hfilter.conf': 'helo_enabled = false;\nhostname_enabled = false;\nurl_enabled = false;',
  'override.d/phishing.conf': `phishtank_enabled = false;\nopenphish_enabled = false;\nexceptions {\n  REDIRECTOR_FALSE = ["${configDir}/maps.d/redirectors.inc"];\n}`,
  'override.d/mime_types.conf': `file = ["${configDir}/maps.d/mime_types.inc"];`,
  'override.d/mid.conf': `source {\n  url = ["${configDir}/maps.d/mid.inc"];\n}`,
  'override.d/classifier-bayes.conf': 'autolearn = false;',
})

/**
 * Starts rspamd offline on loopback for spam scores: its stock rules, one normal worker on a free port,
 * DNS answered by a loopback server from `options.dns` (the sending profile's zone), and every module that
 * needs the network turned off ({@link RSPAMD_OFFLINE_DISABLED}). Ready in about 10 s (rule loading).
 *
 * @example
 * await using rspamd = await startRspamd({ dns: zoneResolver(records) })
 * const result = await checkSpam(email, { url: rspamd.url })
 */
export async function startRspamd(options: RspamdOptions = {}): Promise<StartedRspamd> {
  return startOfflineFilter('rspamd', options.dns, async ({ dir, dns, port }) => {
    for (const sub of ['override.d', 'local.d', 'db', 'run', 'log']) mkdirSync(join(dir, sub))
    const configDir = options.configDir ?? '/etc/rspamd'
    for (const [file, text] of Object.entries(offlineConfig(configDir)))
      writeFileSync(join(dir, file), `${text}\n`)
    writeFileSync(
      join(dir, 'local.d/options.inc'),
      `dns {\n  nameserver = ["${dns.address}"];\n  timeout = 1s;\n  retransmits = 1;\n}\nlocal_addrs = [];\n`,
    )
    // The stock rspamd.conf would also start the controller and proxy on fixed ports; only a normal worker is needed.
    writeFileSync(
      join(dir, 'rspamd.conf'),
      [
        `.include "$CONFDIR/common.conf"`,
        'options {',
        '  pidfile = "$RUNDIR/rspamd.pid";',
        '  .include "$CONFDIR/options.inc"',
        '  .include(try=true; priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"',
        '}',
        'logging {',
        '  type = "console";',
        '  level = "warning";',
        '}',
        'worker "normal" {',
        `  bind_socket = "127.0.0.1:${port}";`,
        '  count = 1;',
        '  .include "$CONFDIR/worker-normal.inc"',
        '}',
        '',
      ].join('\n'),
    )
    const asRoot = process.getuid?.() === 0
    const daemon = await startDaemon({
      name: 'rspamd',
      error: (message, options) => new CheckError('rspamd', message, options),
      orElse: 'turn the check off',
      command: options.command ?? 'rspamd',
      args: [
        '-f',
        '-c',
        join(dir, 'rspamd.conf'),
        `--var=CONFDIR=${configDir}`,
        `--var=LOCAL_CONFDIR=${dir}`,
        `--var=DBDIR=${join(dir, 'db')}`,
        `--var=RUNDIR=${join(dir, 'run')}`,
        `--var=LOGDIR=${join(dir, 'log')}`,
        // rspamd refuses to run its workers as root unless told (CI containers run as root).
        ...(asRoot ? ['-u', 'root', '-g', 'root', '-i'] : []),
      ],
      install: 'Debian/Ubuntu: apt-get install rspamd; macOS: brew install rspamd',
      // The watchdog removes them when the program stops, however this process ends.
      files: dir,
      startTimeout: options.startTimeout ?? 60_000,
      ready: async () =>
        (await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(2000) })).ok,
    })
    return { url: `http://127.0.0.1:${port}`, daemon }
  })
}

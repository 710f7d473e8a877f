import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CheckError, type DnsResolver } from '@mailwright/core'
import { startDaemon } from '@mailwright/core/internal'
import { spamdRequest } from './spamd-request.js'
import { type StartedOfflineFilter, startOfflineFilter } from './start-offline-filter.js'

/** Options of {@link startSpamAssassin}. */
export interface SpamAssassinOptions {
  /** The `spamd` executable. Default `spamd` on the PATH (Debian/Ubuntu: `apt-get install spamd`). */
  command?: string
  /** Where SpamAssassin's stock `.pre` files (the plugins it loads) are. Default `/etc/spamassassin`. */
  configDir?: string
  /** DNS for the SPF and DKIM plugins: the sending profile's offline zone; every other name is NXDOMAIN. */
  dns?: DnsResolver
  /** How long spamd may take to compile its rules, in ms (scaled by `MAILWRIGHT_TIME_SCALE`). Default 120 s. */
  startTimeout?: number
}

/** A running spamd, offline, on 127.0.0.1; stops with the process that started it. */
export type StartedSpamAssassin = StartedOfflineFilter

/** What SpamAssassin cannot check offline: the rules Mailwright's settings turn off. */
export const SPAMASSASSIN_OFFLINE_DISABLED = [
  'DNS blocklists (RCVD_IN_*)',
  'URI blocklists (URIBL_*)',
  'Razor, Pyzor, DCC (hash services)',
  'Bayes (needs training)',
] as const

// The header SpamAssassin reads the envelope sender from (for SPF), which Mailwright adds to what it sends.
export const ENVELOPE_HEADER = 'X-Mailwright-Envelope-From'

/**
 * Starts SpamAssassin's spamd offline on loopback: the stock rules (Debian ships them), one child, DNS
 * answered by a loopback server from `options.dns`, blocklists and hash services off
 * ({@link SPAMASSASSIN_OFFLINE_DISABLED}), Bayes off. Ready when its rules are compiled (10–40 s).
 *
 * @example
 * await using spamd = await startSpamAssassin({ dns: zoneResolver(records) })
 * const result = await checkSpam(email, { checker: 'spamassassin', url: spamd.url })
 */
export async function startSpamAssassin(options: SpamAssassinOptions = {}): Promise<StartedSpamAssassin> {
  return startOfflineFilter('spamd', options.dns, async ({ dir, dns, port }) => {
    const site = join(dir, 'site')
    mkdirSync(site)
    mkdirSync(join(dir, 'home'))
    // spamd's children run as nobody when started by root: they must be able to read the rules.
    for (const path of [dir, site, join(dir, 'home')]) chmodSync(path, 0o755)
    // The .pre files load the plugins (Check, SPF, DKIM, …); without them spamd cannot scan at all.
    const stock = options.configDir ?? '/etc/spamassassin'
    // Plugins that reach the network beyond DNS (short-URL expansion over HTTP, hash services) stay off even
    // when the machine's own files load them.
    for (const file of readdirSync(stock).filter((f) => f.endsWith('.pre')))
      writeFileSync(
        join(site, file),
        readFileSync(join(stock, file), 'utf8').replace(
          /^(\s*loadplugin\s+Mail::SpamAssassin::Plugin::(?:DecodeShortURLs|Razor2|Pyzor|DCC)\b.*)$/gm,
          '# off offline (Mailwright): $1',
        ),
      )
    writeFileSync(
      join(site, 'local.cf'),
      [
        'dns_available yes',
        `dns_server 127.0.0.1:${dns.port}`,
        'skip_rbl_checks 1',
        'skip_uribl_checks 1',
        'use_razor2 0',
        'use_pyzor 0',
        'use_dcc 0',
        'use_bayes 0',
        'bayes_auto_learn 0',
        `envelope_sender_header ${ENVELOPE_HEADER}`,
        '',
      ].join('\n'),
    )
    const daemon = await startDaemon({
      name: 'SpamAssassin',
      error: (message, options) => new CheckError('SpamAssassin', message, options),
      orElse: 'turn the check off',
      command: options.command ?? 'spamd',
      args: [
        `--listen=127.0.0.1:${port}`,
        '--allowed-ips=127.0.0.1',
        '--syslog=stderr',
        '--max-children=1',
        '--min-children=1',
        '--min-spare=1',
        '--max-spare=1',
        '--nouser-config',
        `--siteconfigpath=${site}`,
        `--helper-home-dir=${join(dir, 'home')}`,
        // spamd drops root for its children; nobody is the account every Debian system has.
        ...(process.getuid?.() === 0 ? ['--username=nobody'] : []),
      ],
      install: 'Debian/Ubuntu: apt-get install spamd spamc; macOS: brew install spamassassin',
      // The watchdog removes them when the program stops, however this process ends.
      files: dir,
      startTimeout: options.startTimeout ?? 120_000,
      ready: async () => (await spamdRequest(`127.0.0.1:${port}`, 'PING', undefined, 2000)).status === 'PONG',
    })
    return { url: `spamd://127.0.0.1:${port}`, daemon }
  })
}

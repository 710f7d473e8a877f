import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DnsResolver, freePort } from '@mailwright/core'
import type { StartedDaemon } from '@mailwright/core/internal'
import { type StartedLoopbackDns, startLoopbackDns } from './start-loopback-dns.js'

/** A spam filter running offline on 127.0.0.1; stops with the process that started it. */
export interface StartedOfflineFilter extends AsyncDisposable {
  /** Where to ask it: rspamd's `http://127.0.0.1:<port>`, spamd's `spamd://127.0.0.1:<port>`. */
  readonly url: string
  /** The names it tried to look up (the loopback DNS answered them). */
  readonly dnsQueries: readonly string[]
  /** Resolves when it has exited (stopped, or crashed). */
  readonly exited: Promise<number | null>
  stop(): Promise<void>
}

/**
 * What starting either filter shares: a loopback DNS answering from `dns`, a directory of its own (removed
 * when it stops, by the watchdog too), a free port; `launch` writes the filter's config there and starts it.
 * Whatever fails on the way takes the DNS server and the directory with it.
 *
 * @example
 * return startOfflineFilter('rspamd', options.dns, async ({ dir, dns, port }) => ({ url: `http://127.0.0.1:${port}`, daemon: await startDaemon(…) }))
 */
export async function startOfflineFilter(
  name: string,
  resolver: DnsResolver | undefined,
  launch: (setup: { dir: string; dns: StartedLoopbackDns; port: number }) => Promise<{
    url: string
    daemon: StartedDaemon
  }>,
): Promise<StartedOfflineFilter> {
  const dns = await startLoopbackDns(resolver)
  const dir = mkdtempSync(join(tmpdir(), `mailwright-${name}-`))
  const removeFiles = () => rmSync(dir, { recursive: true, force: true })
  try {
    const { url, daemon } = await launch({ dir, dns, port: await freePort() })
    let stopped: Promise<void> | undefined
    const stop = () => {
      stopped ??= (async () => {
        await daemon.stop()
        await dns.stop()
        removeFiles()
      })()
      return stopped
    }
    return { url, dnsQueries: dns.queries, exited: daemon.exited, stop, [Symbol.asyncDispose]: stop }
  } catch (error) {
    await dns.stop()
    removeFiles()
    throw error
  }
}

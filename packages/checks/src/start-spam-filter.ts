import type { DnsResolver, SpamChecker } from '@mailwright/core'
import { startRspamd } from './start-rspamd.js'
import { startSpamAssassin } from './start-spam-assassin.js'

/** A spam filter Mailwright started: where it listens, and how to stop it. */
export interface StartedSpamFilter {
  checker: SpamChecker
  /** rspamd's `http://127.0.0.1:<port>` or spamd's `spamd://127.0.0.1:<port>`. */
  url: string
  /** Resolves when it has exited. */
  exited: Promise<number | null>
  stop(): Promise<void>
}

/**
 * Starts one of the spam filters offline on loopback ({@link startRspamd}, {@link startSpamAssassin}), with
 * the sending profile's DNS. The runners' global setups start the run's filter with it, once.
 *
 * @example
 * const filter = await startSpamFilter('spamassassin', { dns })
 * // …
 * await filter.stop()
 */
export async function startSpamFilter(
  checker: SpamChecker,
  options: { dns?: DnsResolver } = {},
): Promise<StartedSpamFilter> {
  const filter = checker === 'spamassassin' ? await startSpamAssassin(options) : await startRspamd(options)
  return { checker, url: filter.url, exited: filter.exited, stop: () => filter.stop() }
}

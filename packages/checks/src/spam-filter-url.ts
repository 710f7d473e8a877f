import type { CheckContext, SpamChecker } from '@mailwright/core'
import { SPAM_FILTER_ENV } from '@mailwright/core/internal'
import { type StartedSpamFilter, startSpamFilter } from './start-spam-filter.js'

// One filter of each kind per process, started on first use and kept for the process's life.
const started = new Map<SpamChecker, Promise<StartedSpamFilter>>()

/**
 * The filter to ask: the one given, else the run's (its global setup set `MAILWRIGHT_RSPAMD_URL` or
 * `MAILWRIGHT_SPAMD_URL`), else one this process starts now and keeps (with the context's DNS zone). A
 * filter that died is started again on the next check.
 *
 * @example
 * const url = await spamFilterUrl('rspamd', undefined, context)
 */
export async function spamFilterUrl(
  checker: SpamChecker,
  given: string | undefined,
  context: CheckContext,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (given) return given
  const fromRun = env[SPAM_FILTER_ENV[checker]]
  if (fromRun) return fromRun
  let running = started.get(checker)
  if (!running) {
    running = (async () => {
      const filter = await startSpamFilter(checker, { dns: context.dns })
      // Forgotten when it exits, so the next check starts a new one rather than asking a dead port.
      void filter.exited.then(() => {
        if (started.get(checker) === running) started.delete(checker)
      })
      return filter
    })()
    started.set(checker, running)
    running.catch(() => started.delete(checker))
  }
  return (await running).url
}

/** Stops the filters this process started (tests and benchmarks; a process's exit stops them anyway). */
export async function stopSpamFilters(): Promise<void> {
  const all = [...started.values()]
  started.clear()
  await Promise.all(all.map(async (r) => (await r.catch(() => undefined))?.stop()))
}

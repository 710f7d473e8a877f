import type { CheckContext, SpamChecker } from '@mailwright/core'
import { runSpamFilter } from '@mailwright/core/internal'
import { type StartedSpamFilter, startSpamFilter } from './start-spam-filter.js'

// One filter of each kind per process, started on first use and kept for the process's life.
const started = new Map<string, Promise<StartedSpamFilter>>()

/**
 * The filter to ask: the one given, else the run's for this environment (its global setup set
 * `MAILWRIGHT_SPAM_FILTERS`), else one this process starts now and keeps (with the context's DNS zone). A
 * filter this process started that died is started again on the next check.
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
  const fromRun = runSpamFilter(context.environment, checker, env)
  if (fromRun) return fromRun
  // By environment too: each filter answers DNS from its environment's sending profile.
  const key = `${context.environment}/${checker}`
  let running = started.get(key)
  if (!running) {
    running = (async () => {
      const filter = await startSpamFilter(checker, { dns: context.dns })
      // Forgotten when it exits, so the next check starts a new one rather than asking a dead port.
      void filter.exited.then(() => {
        if (started.get(key) === running) started.delete(key)
        // Its DNS server and files go too.
        void filter.stop()
      })
      return filter
    })()
    started.set(key, running)
    running.catch(() => started.delete(key))
  }
  return (await running).url
}

/** Stops the filters this process started (tests and benchmarks; a process's exit stops them anyway). */
export async function stopSpamFilters(): Promise<void> {
  const all = [...started.values()]
  started.clear()
  await Promise.all(all.map(async (r) => (await r.catch(() => undefined))?.stop()))
}

import type { ContentChecks, SpamChecker } from '../content-checks.js'
import { checkContextOf } from '../run-content-check.js'
import { loadOptionalPackage } from './load-optional-package.js'
import type { ResolvedEnvironment } from './resolve-environment.js'

/**
 * The variable that tells workers where the run's spam filters are: JSON of `"<environment>/<checker>"` to
 * URL. By environment, because each filter answers DNS from its environment's sending profile.
 */
export const SPAM_FILTERS_ENV = 'MAILWRIGHT_SPAM_FILTERS'

/** The run's spam filter for an environment and checker, from {@link SPAM_FILTERS_ENV}. */
export function runSpamFilter(
  environment: string | undefined,
  checker: SpamChecker,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  try {
    return (JSON.parse(env[SPAM_FILTERS_ENV] || '{}') as Record<string, string>)[`${environment}/${checker}`]
  } catch {
    return undefined
  }
}

/**
 * What a run's global setup starts for the content checks of an environment: its spam filter, once, when
 * `checks.spam` names one and gives no `url` (else each worker would start its own, about 10 s each), with
 * the environment's sending profile for DNS. Its address goes to `process.env` ({@link SPAM_FILTERS_ENV}) for
 * the workers started after. Returns how to stop it, or undefined when there is nothing to start. A filter
 * that is not installed is warned about, not fatal: the tests that ask for a score fail with how to install
 * it.
 *
 * @example
 * const checks = await startRunChecks(environment)
 * // after the run
 * await checks?.stop()
 */
export async function startRunChecks(
  environment: ResolvedEnvironment,
): Promise<{ stop(): Promise<void> } | undefined> {
  const spam = environment.checks.spam
  if (!spam || spam.url) return undefined
  const checker = spam.checker ?? 'rspamd'
  if (runSpamFilter(environment.name, checker)) return undefined
  const checks = await loadOptionalPackage<ContentChecks>(
    '@mailwright/checks',
    `mailwright.config: environments.${environment.name}.checks.spam`,
    import.meta.url,
  )
  let filter: { url: string; stop(): Promise<void> }
  try {
    filter = await checks.startSpamFilter(checker, { dns: checkContextOf(environment).dns })
  } catch (error) {
    // A filter that is not installed fails the tests that ask for a score (with how to install it), not the
    // whole run: tests that check nothing else go on.
    if ((error as { cause?: { code?: string } }).cause?.code !== 'ENOENT') throw error
    console.warn(`${(error as Error).message.split('\n')[0]} Tests that ask for a spam score will fail.`)
    return undefined
  }
  const key = `${environment.name}/${checker}`
  const set = (update: (filters: Record<string, string>) => void) => {
    const filters = JSON.parse(process.env[SPAM_FILTERS_ENV] || '{}') as Record<string, string>
    update(filters)
    process.env[SPAM_FILTERS_ENV] = JSON.stringify(filters)
  }
  set((filters) => {
    filters[key] = filter.url
  })
  return {
    async stop() {
      set((filters) => {
        delete filters[key]
      })
      await filter.stop()
    },
  }
}

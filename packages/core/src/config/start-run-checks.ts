import type { ContentChecks, SpamChecker } from '../content-checks.js'
import { checkContextOf } from '../run-content-check.js'
import { loadOptionalPackage } from './load-optional-package.js'
import type { ResolvedEnvironment } from './resolve-environment.js'

/** Where a run's spam filter is told to its workers (the variables `@mailwright/checks` reads). */
export const SPAM_FILTER_ENV: Record<SpamChecker, string> = {
  rspamd: 'MAILWRIGHT_RSPAMD_URL',
  spamassassin: 'MAILWRIGHT_SPAMD_URL',
}

/**
 * What a run's global setup starts for the content checks of an environment: its spam filter, once, when
 * `checks.spam` names one and gives no `url` (else each worker would start its own, about 10 s each). Its
 * address goes to `process.env` for the workers started after. Returns how to stop it, or undefined when
 * there is nothing to start. A filter that is not installed is warned about, not fatal: the tests that ask
 * for a score fail with how to install it.
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
  const variable = SPAM_FILTER_ENV[checker]
  if (process.env[variable]) return undefined
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
  process.env[variable] = filter.url
  return {
    async stop() {
      if (process.env[variable] === filter.url) delete process.env[variable]
      await filter.stop()
    },
  }
}

import { systemResolver } from './auth/dns-resolver.js'
import type { CapturedEmail } from './captured-email.js'
import { CheckError } from './check-error.js'
import { loadOptionalPackage } from './config/load-optional-package.js'
import type { ResolvedEnvironment } from './config/resolve-environment.js'
import { sendingProfileOf } from './config/sending-profile-of.js'
import type { CheckContext, ContentCheckResult, ContentChecks } from './content-checks.js'
import { errorDetail, MailwrightError } from './mailwright-error.js'

let active: CheckContext | undefined

/**
 * Makes an environment's check settings the ones matchers use in this process (a test worker runs one
 * environment). The runner adapters' worker context calls it.
 *
 * @example
 * useCheckContext(checkContextOf(environment))
 */
export function useCheckContext(context: CheckContext | undefined): void {
  active = context
}

/** The check settings of the worker's environment; outside a runner, the sandbox's defaults. */
export function currentCheckContext(): CheckContext {
  return active ?? { sandbox: true, checks: {} }
}

/** An environment's check settings, with its sending profile (the IP, HELO and DNS the filters see). */
export function checkContextOf(environment: ResolvedEnvironment): CheckContext {
  const profile = sendingProfileOf(environment)
  return {
    environment: environment.name,
    sandbox: environment.sandbox,
    checks: environment.checks,
    ...(profile
      ? {
          senderIp: profile.ip,
          ...(profile.helo ? { helo: profile.helo } : {}),
          // 'system' DNS: the filters' lookups are answered from this machine's resolver, as the user asked.
          dns: profile.dns === 'system' || profile.dns === undefined ? systemResolver : profile.dns,
        }
      : {}),
  }
}

// One answer per email and question: a matcher and its `.not`, or two tests' assertions on one object,
// do not ask a filter twice.
const answers = new WeakMap<CapturedEmail, Map<string, Promise<ContentCheckResult>>>()

/**
 * Runs a content check through `@mailwright/checks` (loaded on first use, with an error saying how to
 * install it), once per email and question. Whatever goes wrong becomes a {@link CheckError} that names
 * the checker: a check that could not run never passes.
 *
 * @example
 * const result = await runContentCheck(email, 'rspamd', 'expect(email).toHaveSpamScore()', { checker: 'rspamd' }, (checks) => checks.checkSpam(email, {}, currentCheckContext()))
 */
export function runContentCheck<R extends ContentCheckResult>(
  email: CapturedEmail,
  checker: string,
  neededBy: string,
  question: unknown,
  run: (checks: ContentChecks) => Promise<R>,
): Promise<R> {
  let byQuestion = answers.get(email)
  if (!byQuestion) {
    byQuestion = new Map()
    answers.set(email, byQuestion)
  }
  const key = `${checker} ${JSON.stringify(question, (_key, value) => (value instanceof RegExp ? String(value) : value))}`
  let answer = byQuestion.get(key)
  if (!answer) {
    answer = (async () => {
      const checks = await loadOptionalPackage<ContentChecks>('@mailwright/checks', neededBy, import.meta.url)
      try {
        return await run(checks)
      } catch (error) {
        // Mailwright's own errors already say what failed (a CheckError naming the checker, a wrong argument).
        if (error instanceof MailwrightError) throw error
        throw new CheckError(
          checker,
          `${checker} could not check ${email.describe()}: ${errorDetail(error)}`,
          {
            cause: error,
          },
        )
      }
    })()
    byQuestion.set(key, answer)
    // A failure is not remembered: the next assertion asks again.
    answer.catch(() => byQuestion.delete(key))
  }
  return answer as Promise<R>
}

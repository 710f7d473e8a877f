import type { CapturedEmail } from './captured-email.js'
import { checkEvidence } from './check-evidence.js'
import type { ContentCheckResult } from './content-checks.js'
import type { MatcherResult } from './matchers/matcher-result.js'

/** Files that show an email in a test report. */
export interface EmailEvidence {
  name: string
  contentType: string
  body: Buffer
}

/**
 * The report attachments of an email: the `.eml` exactly as received, when it has one the HTML body as a
 * page, and the content checks a test ran on it (`.checks.txt`). Runners add rendered PNGs where they have
 * a browser.
 *
 * @example
 * for (const file of emailEvidence(email, 1)) await testInfo.attach(file.name, { body: file.body, contentType: file.contentType })
 */
export function emailEvidence(
  email: CapturedEmail,
  index: number,
  checks: readonly ContentCheckResult[] = [],
): EmailEvidence[] {
  const base = `email-${index}-${slug(email.subject) || email.id}`
  const files: EmailEvidence[] = [{ name: `${base}.eml`, contentType: 'message/rfc822', body: email.raw }]
  if (email.html !== undefined)
    files.push({ name: `${base}.html`, contentType: 'text/html', body: Buffer.from(email.html) })
  if (checks.length > 0)
    files.push({
      name: `${base}.checks.txt`,
      contentType: 'text/plain',
      body: Buffer.from(checkEvidence(checks)),
    })
  return files
}

/** One matcher call, as `withEvidence` reports it. */
export interface MatcherCall {
  matcher: string
  not: boolean
  /** What the assertion printed or would print (the matcher's message). */
  message: string
  /** A content check's result, when the matcher ran one (for the report and its gate rules). */
  check?: ContentCheckResult
}

/**
 * Wraps matchers so every email they look at is handed to `record` (for evidence and the report), with
 * whether the assertion failed and the call itself, leaving results alone.
 *
 * @example
 * expect.extend(withEvidence(emailMatchers, (email) => email && touched.add(email)))
 */
export function withEvidence<M extends object>(
  matchers: M,
  record: (email: CapturedEmail | undefined, failed: boolean, call: MatcherCall) => void,
): M {
  const wrapped: Record<string, unknown> = {}
  const entries = Object.entries(matchers) as Array<
    [string, (...args: unknown[]) => MatcherResult | Promise<MatcherResult>]
  >
  for (const [name, matcher] of entries) {
    wrapped[name] = function (this: { isNot?: boolean }, ...args: unknown[]) {
      const result = matcher.apply(this, args)
      const isNot = Boolean(this?.isNot)
      const call = (r: MatcherResult): MatcherCall => ({
        matcher: name,
        not: isNot,
        message: r.message(),
        ...(r.check ? { check: r.check } : {}),
      })
      if (result instanceof Promise) {
        return result.then((r) => {
          record(r.email, r.pass === isNot, call(r))
          return r
        })
      }
      record(result.email, result.pass === isNot, call(result))
      return result
    }
  }
  return wrapped as M
}

/** A file-name-safe short form: `Verify your email!` → `verify-your-email`. */
export function slug(text: string, max = 40): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '')
}

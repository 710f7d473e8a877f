import type { CapturedEmail } from '../captured-email.js'
import type { ContentCheckResult } from '../content-checks.js'
import type { Inbox } from '../inbox.js'
import { MailwrightError } from '../mailwright-error.js'

/** What a matcher returns: the shape both Vitest's and Playwright's `expect.extend` take. */
export interface MatcherResult {
  pass: boolean
  message: () => string
  name?: string
  expected?: unknown
  actual?: unknown
  /** The email the matcher looked at (for evidence in reports). */
  email?: CapturedEmail
  /** A content check's full result (spam score, compatibility, links, accessibility), for the report. */
  check?: ContentCheckResult
}

/** The part of a runner's matcher context that Mailwright's matchers read. */
export interface MatcherState {
  isNot: boolean
}

/**
 * Checks that a matcher got a CapturedEmail, with an error that says what it got instead. A Promise means
 * a forgotten `await`, which is the most common mistake, so it is named as such.
 */
export function assertEmail(received: unknown, matcher: string): CapturedEmail {
  if (isPromiseLike(received)) {
    throw new MailwrightError(
      'NOT_AN_EMAIL',
      `expect(email).${matcher}() received a Promise, not an email. Did you forget \`await\`? Write \`const email = await inbox.waitForEmail(…)\`, then \`expect(email).${matcher}(…)\`.`,
    )
  }
  const candidate = received as Partial<CapturedEmail> | null
  if (
    !candidate ||
    typeof candidate !== 'object' ||
    !candidate.envelope ||
    !Array.isArray(candidate.headers) ||
    typeof candidate.describe !== 'function'
  ) {
    throw new MailwrightError(
      'NOT_AN_EMAIL',
      `expect(email).${matcher}() needs an email from inbox.waitForEmail() or inbox.emails(), but received ${describeValue(received)}.`,
    )
  }
  return candidate as CapturedEmail
}

/** Checks that an inbox matcher got an inbox; like {@link assertEmail}, a Promise is named as a missing `await`. */
export function assertInbox(received: unknown, matcher: string): Inbox {
  if (isPromiseLike(received)) {
    throw new MailwrightError(
      'NOT_AN_INBOX',
      `expect(inbox).${matcher}() received a Promise, not an inbox. Did you forget \`await\`? Write \`const inbox = await connectInbox(…)\` first, or use the \`inbox\` fixture.`,
    )
  }
  const candidate = received as Partial<Inbox> | null
  if (
    !candidate ||
    typeof candidate.waitForEmail !== 'function' ||
    typeof candidate.expectNoEmail !== 'function'
  ) {
    throw new MailwrightError(
      'NOT_AN_INBOX',
      `expect(inbox).${matcher}() needs an inbox (the \`inbox\` fixture, createInbox() or connectInbox()), but received ${describeValue(received)}.`,
    )
  }
  return candidate as Inbox
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'object')
    return `an object with keys ${
      Object.keys(value as object)
        .slice(0, 5)
        .join(', ') || '(none)'
    }`
  return `${typeof value} ${JSON.stringify(value)}`
}

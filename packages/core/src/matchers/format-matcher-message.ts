import type { CapturedEmail } from '../captured-email.js'

/** What one matcher failure says; {@link formatMatcherMessage} lays it out the same way in every runner. */
export interface MatcherMessage {
  /** `email` or `inbox`: what `expect()` was given. */
  subject: 'email' | 'inbox' | 'sent'
  matcher: string
  isNot: boolean
  /** The matcher's arguments as the user wrote them, rendered (`"a@x"`, `/Verify/`). */
  args: string
  expected: string
  received: string
  /** The email the assertion looked at, for its identity line. */
  email?: CapturedEmail
  /** Further lines (why, near misses), indented under the block. */
  details?: string[]
  /** Lines after the email's identity (the authentication block and its source). */
  trailer?: string[]
}

/**
 * The one failure layout of every Mailwright matcher, in both runners:
 *
 * ```
 * expect(email).toBeSentFrom("no-reply@example.com") failed
 *
 * Expected: from no-reply@example.com
 * Received: from billing@example.com
 *
 * Email:    "Reset your password" from billing@example.com to alice+t7f3@inbox.test
 * View:     http://127.0.0.1:8025/#/emails/3f2a9c-1
 * ```
 *
 * @example
 * formatMatcherMessage({ subject: 'email', matcher: 'toHaveSubject', isNot: false, args: '"Hi"', expected: '"Hi"', received: '"Hello"' })
 */
export function formatMatcherMessage(message: MatcherMessage): string {
  const not = message.isNot ? '.not' : ''
  const lines = [
    `expect(${message.subject})${not}.${message.matcher}(${message.args}) failed`,
    '',
    `Expected: ${message.isNot ? `not ${message.expected}` : message.expected}`,
    `Received: ${message.received}`,
  ]
  if (message.details && message.details.length > 0) lines.push('', ...message.details)
  if (message.email) lines.push('', `Email:    ${message.email.describe()}`)
  if (message.trailer) lines.push(...message.trailer)
  if (message.email?.viewUrl) lines.push(`View:     ${message.email.viewUrl}`)
  return lines.join('\n')
}

/** Renders a matcher argument the way the user wrote it. */
export function show(value: unknown): string {
  if (value instanceof RegExp) return String(value)
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    const parts = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${show(v)}`)
    return `{ ${parts.join(', ')} }`
  }
  return String(value)
}

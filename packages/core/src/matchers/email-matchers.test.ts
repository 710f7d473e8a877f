import { describe, expect, it } from 'vitest'
import { parseEmail } from '../parse-email.js'
import { emailMatchers } from './email-matchers.js'
import type { MatcherResult } from './matcher-result.js'

const raw = Buffer.from(
  [
    'From: "Example App" <no-reply@example.com>',
    'To: Alice <alice+t7f3@inbox.test>',
    'Cc: audit@example.com',
    'Reply-To: support@example.com',
    'Subject: Reset your password',
    'X-Campaign: spring',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="m"',
    '',
    '--m',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Hello   Alice,</p><p>use code <b>482913</b> or <a href="https://app.test/reset?t=abc">Reset password</a></p>',
    '--m',
    'Content-Type: application/pdf; name="terms.pdf"',
    'Content-Disposition: attachment; filename="terms.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.alloc(1500, 1).toString('base64'),
    '--m--',
    '',
  ].join('\r\n'),
)
const email = await parseEmail(raw, {
  id: 'e1',
  envelope: { mailFrom: 'bounces@mailer.net', rcptTo: ['alice+t7f3@inbox.test', 'hidden@inbox.test'] },
  receivedAt: new Date(0),
})

type Name = keyof typeof emailMatchers
function run(name: Name, isNot: boolean, ...args: unknown[]): MatcherResult {
  const matcher = emailMatchers[name] as (this: { isNot: boolean }, ...a: unknown[]) => MatcherResult
  return matcher.call({ isNot }, email, ...args)
}
/** The message a runner would show: for the positive form when it fails, for `.not` when it passes. */
function failure(name: Name, isNot: boolean, ...args: unknown[]): string {
  const result = run(name, isNot, ...args)
  expect(result.pass).toBe(isNot)
  return result.message()
}

describe('email matchers', () => {
  it('toBeSentFrom compares address (case-insensitive), name, or RegExp', () => {
    expect(run('toBeSentFrom', false, 'NO-REPLY@example.com').pass).toBe(true)
    expect(run('toBeSentFrom', false, { address: 'no-reply@example.com', name: 'Example App' }).pass).toBe(
      true,
    )
    expect(run('toBeSentFrom', false, { address: 'no-reply@example.com', name: 'Other' }).pass).toBe(false)
    expect(run('toBeSentFrom', false, /"Example App" <no-reply@/).pass).toBe(true)
    expect(failure('toBeSentFrom', false, 'billing@example.com')).toMatchInlineSnapshot(`
      "expect(email).toBeSentFrom("billing@example.com") failed

      Expected: from "billing@example.com"
      Received: from "Example App" <no-reply@example.com>

      Envelope MAIL FROM: <bounces@mailer.net>

      Email:    "Reset your password" from no-reply@example.com to alice+t7f3@inbox.test"
    `)
    expect(failure('toBeSentFrom', true, 'no-reply@example.com')).toContain(
      'Expected: not from "no-reply@example.com"',
    )
  })

  it('toBeSentTo looks in To, Cc, Bcc and the envelope and says where it matched', () => {
    expect(run('toBeSentTo', false, 'audit@example.com').pass).toBe(true)
    expect(run('toBeSentTo', false, 'hidden@inbox.test').pass).toBe(true)
    expect(failure('toBeSentTo', true, 'hidden@inbox.test')).toContain(
      'Received: matched in envelope RCPT TO',
    )
    expect(failure('toBeSentTo', false, 'bob@inbox.test')).toMatchInlineSnapshot(`
      "expect(email).toBeSentTo("bob@inbox.test") failed

      Expected: a recipient "bob@inbox.test"
      Received: not among the recipients

      To: "Alice" <alice+t7f3@inbox.test>
      Cc: audit@example.com
      envelope RCPT TO: alice+t7f3@inbox.test, hidden@inbox.test

      Email:    "Reset your password" from no-reply@example.com to alice+t7f3@inbox.test"
    `)
  })

  it('toHaveSubject is exact for strings', () => {
    expect(run('toHaveSubject', false, 'Reset your password').pass).toBe(true)
    expect(run('toHaveSubject', false, 'Reset').pass).toBe(false)
    expect(run('toHaveSubject', false, /^reset/i).pass).toBe(true)
    expect(failure('toHaveSubject', false, 'Welcome')).toContain(
      'Expected: subject "Welcome"\nReceived: subject "Reset your password"',
    )
  })

  it('toHaveReplyTo and toHaveHeader', () => {
    expect(run('toHaveReplyTo', false, 'support@example.com').pass).toBe(true)
    expect(failure('toHaveReplyTo', false, 'help@example.com')).toContain(
      'Received: Reply-To support@example.com',
    )
    expect(run('toHaveHeader', false, 'x-campaign').pass).toBe(true)
    expect(run('toHaveHeader', false, 'X-Campaign', 'spring').pass).toBe(true)
    expect(run('toHaveHeader', false, 'X-Campaign', 'spr').pass).toBe(false)
    expect(failure('toHaveHeader', false, 'List-Unsubscribe')).toContain(
      'Received: no List-Unsubscribe header',
    )
    expect(failure('toHaveHeader', true, 'X-Campaign', /spr/)).toContain('Expected: not X-Campaign: /spr/')
  })

  it('toContainText reads HTML as text, whitespace folded', () => {
    expect(run('toContainText', false, 'Hello Alice').pass).toBe(true)
    expect(run('toContainText', false, /code \d{6}/).pass).toBe(true)
    expect(failure('toContainText', false, 'Goodbye')).toContain('Received: text "Hello Alice,')
  })

  it('toHaveLink matches href exactly or by RegExp, and the visible text', () => {
    expect(run('toHaveLink', false, 'https://app.test/reset?t=abc').pass).toBe(true)
    expect(run('toHaveLink', false, /\/reset\?t=/, { text: 'Reset password' }).pass).toBe(true)
    expect(run('toHaveLink', false, /\/reset\?t=/, { text: 'Verify' }).pass).toBe(false)
    expect(failure('toHaveLink', false, /verify/)).toMatchInlineSnapshot(`
      "expect(email).toHaveLink(/verify/) failed

      Expected: a link to /verify/
      Received: 1 link(s)

        "Reset password" → https://app.test/reset?t=abc

      Email:    "Reset your password" from no-reply@example.com to alice+t7f3@inbox.test"
    `)
  })

  it('toHaveAttachment checks name, type and size', () => {
    expect(
      run('toHaveAttachment', false, {
        filename: 'terms.pdf',
        contentType: 'application/pdf',
        minSize: 1500,
        maxSize: 1500,
      }).pass,
    ).toBe(true)
    expect(run('toHaveAttachment', false, { filename: /\.pdf$/, maxSize: 1000 }).pass).toBe(false)
    expect(failure('toHaveAttachment', false, { filename: 'invoice.pdf' })).toContain(
      '  terms.pdf (application/pdf, 1500 bytes)',
    )
    expect(() => run('toHaveAttachment', false, { size: 3 })).toThrow(/Invalid toHaveAttachment\(\) size/)
  })

  it('says a Promise means a forgotten await, and names other wrong subjects', () => {
    expect(() => emailMatchers.toHaveSubject.call({ isNot: false }, Promise.resolve(email), 'x')).toThrow(
      /Did you forget `await`\?/,
    )
    expect(() => emailMatchers.toHaveSubject.call({ isNot: false }, { subject: 'x' }, 'x')).toThrow(
      /needs an email from inbox\.waitForEmail\(\) or inbox\.emails\(\), but received an object with keys subject/,
    )
    expect(() => run('toHaveSubject', false, 42)).toThrow(/Invalid toHaveSubject\(\) argument: 42/)
  })
})

import { describe, expect, it } from 'vitest'
import type { EmailSummary } from './captured-email.js'
import { describeQuery, explainMismatch, serializeQuery, validateQuery } from './email-query.js'
import { InvalidArgumentError } from './invalid-argument-error.js'

const email: EmailSummary & { text: string; html: string } = {
  id: '1',
  envelope: { mailFrom: 'bounces@mailer.net', rcptTo: ['alice+k3@inbox.test'] },
  headers: [
    { name: 'Subject', value: 'Verify your email' },
    { name: 'X-Tag', value: 'signup' },
  ],
  from: { address: 'no-reply@example.com', name: 'Example App' },
  to: [{ address: 'alice+k3@inbox.test', name: 'Alice' }],
  cc: [],
  bcc: [],
  subject: 'Verify your email',
  receivedAt: new Date('2026-01-01T00:00:10Z'),
  size: 100,
  text: 'Your code is 123456',
  html: '<p>Your code is <b>123456</b></p>',
}

describe('EmailQuery', () => {
  it('matches strings as case-insensitive contains and RegExps as tests', () => {
    expect(explainMismatch({ subject: 'VERIFY' }, email)).toEqual([])
    expect(explainMismatch({ subject: /^Verify/ }, email)).toEqual([])
    expect(explainMismatch({ from: 'example app' }, email)).toEqual([])
    expect(explainMismatch({ from: 'mailer.net' }, email)).toEqual([])
    expect(explainMismatch({ to: 'ALICE+k3@inbox.test' }, email)).toEqual([])
    expect(explainMismatch({ header: { 'x-tag': /^sign/ } }, email)).toEqual([])
    expect(explainMismatch({ text: '123456', html: /<b>\d{6}<\/b>/ }, email)).toEqual([])
    expect(explainMismatch({ since: '2026-01-01T00:00:00Z' }, email)).toEqual([])
  })

  it('explains each failing field', () => {
    expect(
      explainMismatch(
        { subject: /Reset/, to: 'bob@', header: { 'X-Missing': 'x' }, since: '2026-01-02T00:00:00Z' },
        email,
      ),
    ).toEqual([
      'to [alice+k3@inbox.test] does not contain "bob@"',
      'subject "Verify your email" does not match /Reset/',
      'header X-Missing (absent) does not contain "x"',
      'received at 2026-01-01T00:00:10.000Z, before since 2026-01-02T00:00:00.000Z',
    ])
    expect(explainMismatch({ to: 'bob@', subject: 'Verify' }, email, ['to'])).toEqual([])
  })

  it('does not carry RegExp lastIndex state between matches', () => {
    const sticky = /verify/gi
    expect(explainMismatch({ subject: sticky }, email)).toEqual([])
    expect(explainMismatch({ subject: sticky }, email)).toEqual([])
  })

  it('round-trips through JSON with RegExp flags and dates intact', () => {
    const query = {
      subject: /verify/i,
      to: 'alice',
      header: { 'X-Tag': /^s/m },
      since: new Date('2026-01-01T00:00:00Z'),
    }
    const back = validateQuery(JSON.parse(JSON.stringify(serializeQuery(query))))
    expect(back).toEqual(query)
    expect(describeQuery(back)).toBe(
      '{ to: "alice", subject: /verify/i, header X-Tag: /^s/m, since: 2026-01-01T00:00:00.000Z }',
    )
  })

  it('rejects unknown fields and wrong types, naming them', () => {
    expect(() => validateQuery({ subjct: 'x' })).toThrow(
      /Invalid query\.subjct: "x"\. Expected one of the known fields/,
    )
    expect(() => validateQuery({ subject: 5 })).toThrow(InvalidArgumentError)
    expect(() => validateQuery({ subject: { regex: '(' } })).toThrow(
      /Invalid query\.subject.*valid regular expression/,
    )
    expect(() => validateQuery({ since: 'yesterday' })).toThrow(/Invalid query\.since: "yesterday"/)
    expect(() => validateQuery({ header: { 'X-A': 1 } })).toThrow(/query\.header\["X-A"\]/)
    expect(() => validateQuery('subject')).toThrow(/Expected an object/)
    expect(validateQuery(undefined)).toEqual({})
  })
})

import { describe, expect, it } from 'vitest'
import { parseSearch } from './search-query.ts'

const now = Date.parse('2026-11-29T12:00:00Z')

describe('parseSearch', () => {
  it('turns fields, phrases and regexes into an EmailQuery', () => {
    expect(parseSearch('from:no-reply@example.com subject:/^verify\\/now/i text:"your code"', now)).toEqual({
      query: {
        from: 'no-reply@example.com',
        subject: { regex: '^verify\\/now', flags: 'i' },
        text: 'your code',
      },
    })
  })

  it('searches the subject for every bare word, in any order', () => {
    expect(parseSearch('reset', now)).toEqual({ query: { subject: 'reset' } })
    const both = parseSearch('verify  email', now)
    expect(both).toEqual({
      query: { subject: { regex: '^(?=[\\s\\S]*verify)(?=[\\s\\S]*email)', flags: 'i' } },
    })
    const { regex, flags } = (both as { query: { subject: { regex: string; flags: string } } }).query.subject
    expect(new RegExp(regex, flags).test('Verify your email address')).toBe(true)
    expect(new RegExp(regex, flags).test('Verify your account')).toBe(false)
    expect(parseSearch('a.b (c)', now)).toEqual({
      query: { subject: { regex: '^(?=[\\s\\S]*a\\.b)(?=[\\s\\S]*\\(c\\))', flags: 'i' } },
    })
    expect(parseSearch('', now)).toEqual({ query: {} })
  })

  it('takes "Re:" and URLs as words, not as fields', () => {
    expect(parseSearch('Re:', now)).toEqual({ query: { subject: 'Re:' } })
    expect(parseSearch('https://app.test/verify', now)).toEqual({
      query: { subject: 'https://app.test/verify' },
    })
    expect(parseSearch('text:"Re: your order"', now)).toEqual({ query: { text: 'Re: your order' } })
  })

  it('reads since as an age or a date', () => {
    expect(parseSearch('since:90m', now)).toEqual({ query: { since: '2026-11-29T10:30:00.000Z' } })
    expect(parseSearch('since:2026-11-01T00:00Z', now)).toEqual({
      query: { since: '2026-11-01T00:00:00.000Z' },
    })
    // A date alone is local midnight, like a date and time without a zone.
    expect(parseSearch('since:2026-11-01', now)).toEqual({
      query: { since: new Date(2026, 10, 1).toISOString() },
    })
    expect(parseSearch('since:1h since:2h', now)).toEqual({ error: expect.stringContaining('appears twice') })
  })

  it('reads header:Name=value, quoted or a regex', () => {
    expect(parseSearch('header:X-Campaign=spring header:List-Id="news letter"', now)).toEqual({
      query: { header: { 'X-Campaign': 'spring', 'List-Id': 'news letter' } },
    })
    expect(parseSearch('header:X-Tag=/^a/', now)).toEqual({ query: { header: { 'X-Tag': { regex: '^a' } } } })
  })

  it('says what is wrong and how to write it', () => {
    expect(parseSearch('fromm:alice', now)).toEqual({
      error: expect.stringContaining('Unknown search field "fromm:"'),
    })
    expect(parseSearch('subject:"open', now)).toEqual({ error: expect.stringContaining('no closing quote') })
    expect(parseSearch('subject:/a(/', now)).toEqual({
      error: expect.stringContaining('is not a regular expression'),
    })
    expect(parseSearch('since:yesterday', now)).toEqual({ error: expect.stringContaining('since:10m') })
    expect(parseSearch('to:a to:b', now)).toEqual({ error: expect.stringContaining('appears twice') })
    expect(parseSearch('header:X-Tag', now)).toEqual({
      error: expect.stringContaining('header:X-Campaign=spring'),
    })
    expect(parseSearch('from:', now)).toEqual({ error: expect.stringContaining('has no value') })
    expect(parseSearch('/^a/', now)).toEqual({ error: expect.stringContaining('needs a field') })
    expect(parseSearch('hello subject:x', now)).toEqual({
      error: expect.stringContaining('Put the words in it'),
    })
  })
})

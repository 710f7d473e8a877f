import { describe, expect, it } from 'vitest'
import { extractCodes } from './extract-codes.js'
import { extractLinks } from './extract-links.js'
import { htmlToPlainText } from './html-to-plain-text.js'

describe('extractCodes', () => {
  it('finds codes near the usual words, before or after them', () => {
    expect(extractCodes('Your verification code is 482913.')).toEqual(['482913'])
    expect(extractCodes('482913 is your one-time passcode')).toEqual(['482913'])
    expect(extractCodes('Use OTP: AB12CD to sign in')).toEqual(['AB12CD'])
  })

  it('ignores numbers far from any keyword and ids inside URLs', () => {
    expect(extractCodes('Order 123456 shipped on 2026-11-26.')).toEqual([])
    expect(extractCodes('Your code: open https://x.test/v/998877 to continue')).toEqual([])
    expect(extractCodes(`code${' '.repeat(200)}123456`)).toEqual([])
  })

  it('takes a custom pattern and keywords', () => {
    expect(extractCodes('Ticket T-77 created', { pattern: /T-(\d+)/, keywords: ['ticket'] })).toEqual(['77'])
    expect(extractCodes('PIN 12', { pattern: /\b\d{2}\b/ })).toEqual(['12'])
  })

  it('lists each code once, in order', () => {
    expect(extractCodes('code 1111, again code 1111, backup code 2222')).toEqual(['1111', '2222'])
  })
})

describe('extractLinks', () => {
  it('collects anchors with visible text, then text URLs no anchor covers', () => {
    const links = extractLinks({
      html: '<a href="https://a.test/1"> Open\n <b>now</b> </a><a name="x">no href</a><a href="https://a.test/2">Two</a>',
      text: 'See https://a.test/1, or https://b.test/x?y=1).',
    })
    expect(links).toEqual([
      { href: 'https://a.test/1', text: 'Open now', source: 'html' },
      { href: 'https://a.test/2', text: 'Two', source: 'html' },
      { href: 'https://b.test/x?y=1', text: 'https://b.test/x?y=1', source: 'text' },
    ])
  })

  it('decodes entities in href and text', () => {
    expect(extractLinks({ html: '<a href="https://a.test/?a=1&amp;b=2">A &amp; B</a>' })).toEqual([
      { href: 'https://a.test/?a=1&b=2', text: 'A & B', source: 'html' },
    ])
  })
})

describe('htmlToPlainText', () => {
  it('keeps visible text and drops style and script', () => {
    expect(
      htmlToPlainText('<style>p{}</style><p>Hello <b>you</b></p><script>x()</script><div>Bye</div>'),
    ).toBe('Hello you\nBye')
  })
})

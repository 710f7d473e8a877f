import { describe, expect, it } from 'vitest'
import { decodeUtf7, transcodeUtf7Parts } from './utf7.js'

describe('decodeUtf7', () => {
  // The examples of RFC 2152 section 3.
  it.each([
    ['A+ImIDkQ.', 'A≢Α.'],
    ['Hi Mom -+Jjo--!', 'Hi Mom -☺-!'],
    ['+ZeVnLIqe-', '日本語'],
    ['1 +- 1', '1 + 1'],
    ['a lone + at the end +', 'a lone + at the end +'],
    ['+2D3cAA-', '🐀'],
  ])('decodes %j', (input, expected) => {
    expect(decodeUtf7(input)).toBe(expected)
  })
})

describe('transcodeUtf7Parts', () => {
  it('leaves an email without UTF-7 alone', () => {
    expect(
      transcodeUtf7Parts(Buffer.from('Subject: x\r\nContent-Type: text/plain\r\n\r\nhi +AOk-\r\n')),
    ).toBe(undefined)
  })

  it('re-encodes a single-part UTF-7 body as UTF-8', () => {
    const out = transcodeUtf7Parts(
      Buffer.from(
        'Subject: x\r\nContent-Type: text/plain; charset=utf-7\r\nContent-Transfer-Encoding: 7bit\r\n\r\nRen+AOk-\r\n',
      ),
    )
    expect(out?.parts).toBe(1)
    const text = out?.raw.toString() ?? ''
    expect(text).toMatch(
      /^Subject: x\r\nContent-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n/,
    )
    expect(Buffer.from(text.split('\r\n\r\n')[1] as string, 'base64').toString()).toBe('René\r\n')
  })
})

import { decodeUtf7, isUtf7Charset } from './utf7.js'

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g
// Whitespace between two adjacent encoded words is not part of the text (RFC 2047 section 6.2).
const BETWEEN_WORDS = /(\?=)\s+(?==\?[^?\s]+\?[BbQq]\?)/g

/**
 * Decodes RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?iso-8859-1?Q?…?=`, `=?utf-7?Q?…?=`) in a header value. A word with
 * an unknown charset or broken encoding is left as written rather than guessed at.
 *
 * @example
 * decodeWords('=?utf-8?Q?Jos=C3=A9?= <jose@example.com>') // 'José <jose@example.com>'
 */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value
  return value
    .replace(BETWEEN_WORDS, '$1')
    .replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
      const label = (charset.split('*')[0] as string).toLowerCase()
      let bytes: Buffer
      if (encoding === 'B' || encoding === 'b') {
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return word
        bytes = Buffer.from(text, 'base64')
      } else {
        bytes = Buffer.from(
          text
            .replace(/_/g, ' ')
            .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
              String.fromCharCode(Number.parseInt(hex, 16)),
            ),
          'latin1',
        )
      }
      if (isUtf7Charset(label)) return decodeUtf7(bytes.toString('latin1'))
      try {
        return new TextDecoder(label).decode(bytes)
      } catch {
        return word
      }
    })
}

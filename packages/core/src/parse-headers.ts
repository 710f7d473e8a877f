import addressparser from 'nodemailer/lib/addressparser'
import type { EmailAddress, EmailHeader } from './captured-email.js'
import { decodeWords } from './decode-words.js'

/** The header section of a raw email, decoded and in order, plus anything odd found on the way. */
export interface ParsedHeaders {
  headers: EmailHeader[]
  /** Byte offset where the body starts (after the blank line), or the raw length when there is none. */
  bodyOffset: number
  warnings: string[]
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const ADDRESS_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'reply-to', 'sender'])

const MAX_HEADER_BYTES = 1024 * 1024
const MAX_LINE_WARNINGS = 20

/**
 * Parses only the header section of a raw email: cheap enough for every email at ingest, so routing and
 * header queries never wait for a full MIME parse.
 *
 * @example
 * const { headers } = parseHeaders(Buffer.from('Subject: Hi\r\n\r\nbody'))
 * headers[0] // { name: 'Subject', value: 'Hi' }
 */
export function parseHeaders(raw: Uint8Array): ParsedHeaders {
  const warnings: string[] = []
  const end = findHeaderEnd(raw)
  // Anyone can send a "header section" of 25 MB (no blank line, or one huge Subject): only so much is
  // read as headers, so reading them stays cheap wherever it happens.
  const block = raw.subarray(0, Math.min(end.headerEnd, MAX_HEADER_BYTES))
  if (end.headerEnd > MAX_HEADER_BYTES) {
    warnings.push(
      `header section is ${end.headerEnd} bytes; only the first ${MAX_HEADER_BYTES} were read as headers (raw bytes kept)`,
    )
  }
  let text: string
  try {
    text = utf8.decode(block)
  } catch {
    text = Buffer.from(block).toString('latin1')
    warnings.push(
      `header section is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(block)}); read as Latin-1, raw bytes kept`,
    )
  }
  const headers: EmailHeader[] = []
  let skipped = 0
  let current: { name: string; value: string } | undefined
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      current.value += line
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) {
      skipped += 1
      if (skipped <= MAX_LINE_WARNINGS)
        warnings.push(`header line without a name: ${JSON.stringify(line.slice(0, 80))}`)
      current = undefined
      continue
    }
    current = { name: line.slice(0, colon).trim(), value: line.slice(colon + 1) }
    headers.push(current)
  }
  if (skipped > MAX_LINE_WARNINGS)
    warnings.push(`${skipped - MAX_LINE_WARNINGS} more header lines without a name`)
  for (const header of headers) {
    const value = header.value.trim()
    header.value = ADDRESS_HEADERS.has(header.name.toLowerCase()) ? value : decodeWords(value)
  }
  return { headers, bodyOffset: end.bodyOffset, warnings }
}

/** Addresses of every header of that name, groups flattened, encoded words decoded. */
export function addressesOf(headers: readonly EmailHeader[], name: string): EmailAddress[] {
  const key = name.toLowerCase()
  const values = headers.filter((h) => h.name.toLowerCase() === key).map((h) => h.value)
  if (values.length === 0) return []
  const result: EmailAddress[] = []
  for (const entry of addressparser(values.join(', '), { flatten: true })) {
    if (entry.address) result.push({ address: entry.address, name: decodeWords(entry.name ?? '') })
  }
  return result
}

/** The first value of a header, case-insensitive. */
export function headerValue(headers: readonly EmailHeader[], name: string): string | undefined {
  const key = name.toLowerCase()
  return headers.find((h) => h.name.toLowerCase() === key)?.value
}

function findHeaderEnd(raw: Uint8Array): { headerEnd: number; bodyOffset: number } {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x0a) continue
    // The blank line may be CRLF CRLF, or bare LF LF in mail that was accepted despite bare line endings.
    if (raw[i + 1] === 0x0a) return { headerEnd: i + 1, bodyOffset: i + 2 }
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return { headerEnd: i + 1, bodyOffset: i + 3 }
  }
  if (raw[0] === 0x0d && raw[1] === 0x0a) return { headerEnd: 0, bodyOffset: 2 }
  return { headerEnd: raw.length, bodyOffset: raw.length }
}

function firstInvalidUtf8(block: Uint8Array): number {
  let i = 0
  while (i < block.length) {
    const lead = block[i] as number
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0
    if (length === 0) return i
    for (let k = 1; k < length; k++) {
      const next = block[i + k]
      if (next === undefined || (next & 0xc0) !== 0x80) return i
    }
    // Overlong and surrogate forms are rejected by the decoder too; the lead byte is the place to show.
    try {
      utf8.decode(block.subarray(i, i + length))
    } catch {
      return i
    }
    i += length
  }
  return block.length
}

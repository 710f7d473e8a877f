// UTF-7 (RFC 2152): old Outlook and Exchange wrote subjects and bodies in it. mailparser and TextDecoder
// refuse it (it can carry markup past filters that look for "<"), so Mailwright decodes it itself, and the
// HTML it yields is only ever shown sandboxed, like any other captured HTML.

const BASE64_CHAR = /[A-Za-z0-9+/]/
const UTF7_CHARSET = /^(?:unicode-1-1-)?utf-7$/i

/** Whether a charset label names UTF-7. */
export function isUtf7Charset(label: string): boolean {
  return UTF7_CHARSET.test(label.trim())
}

/**
 * Decodes UTF-7 text (RFC 2152): `+` starts modified base64 of UTF-16, `-` or any other character ends it,
 * `+-` is a plus sign. Linear in the input; malformed shifts decode to what they hold.
 *
 * @example
 * decodeUtf7('Caf+AOk-') // 'Café'
 */
export function decodeUtf7(input: string): string {
  const out: string[] = []
  let i = 0
  while (i < input.length) {
    const plus = input.indexOf('+', i)
    if (plus < 0) {
      out.push(input.slice(i))
      break
    }
    out.push(input.slice(i, plus))
    let end = plus + 1
    while (end < input.length && BASE64_CHAR.test(input[end] as string)) end += 1
    if (end === plus + 1) {
      out.push('+')
    } else {
      const bytes = Buffer.from(input.slice(plus + 1, end), 'base64')
      const units: number[] = []
      for (let k = 0; k + 1 < bytes.length; k += 2)
        units.push(((bytes[k] as number) << 8) | (bytes[k + 1] as number))
      for (let k = 0; k < units.length; k += 4096) out.push(String.fromCharCode(...units.slice(k, k + 4096)))
    }
    i = input[end] === '-' ? end + 1 : end
  }
  return out.join('')
}

const MAX_DEPTH = 30
const MAX_PARTS = 2000

/**
 * The raw email with every UTF-7 text part re-encoded as UTF-8 (base64), for a MIME parser that will not
 * decode UTF-7; undefined when there is none. Only the parser's input changes: the stored bytes stay as
 * they came. Bounded in depth (30) and parts (2,000).
 *
 * @example
 * const input = transcodeUtf7Parts(raw)
 * const mail = await simpleParser(input?.raw ?? raw)
 */
export function transcodeUtf7Parts(raw: Buffer): { raw: Buffer; parts: number } | undefined {
  const text = raw.toString('latin1')
  if (!/charset\s*=\s*"?(?:unicode-1-1-)?utf-7/i.test(text)) return undefined
  const state = { parts: 0, changed: 0 }
  const out = transcodeEntity(text, 0, state)
  return state.changed > 0 ? { raw: Buffer.from(out, 'latin1'), parts: state.changed } : undefined
}

function transcodeEntity(entity: string, depth: number, state: { parts: number; changed: number }): string {
  state.parts += 1
  if (depth > MAX_DEPTH || state.parts > MAX_PARTS) return entity
  const gap = /\r?\n\r?\n/.exec(entity)
  if (!gap) return entity
  const headers = entity.slice(0, gap.index)
  const body = entity.slice(gap.index + gap[0].length)
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ')
  const contentType = /^content-type:[ \t]*([^\r\n]*)/im.exec(unfolded)?.[1] ?? ''
  if (/^\s*multipart\//i.test(contentType)) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType)
    const name = boundary?.[1] ?? boundary?.[2]
    if (!name) return entity
    return entity.slice(0, gap.index + gap[0].length) + transcodeMultipart(body, name, depth, state)
  }
  const charset = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1] ?? ''
  if (!/^\s*text\//i.test(contentType) || !isUtf7Charset(charset)) return entity
  const encoding = /^content-transfer-encoding:[ \t]*([^\s;]+)/im.exec(unfolded)?.[1]?.toLowerCase()
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('latin1')
      : encoding === 'quoted-printable'
        ? body
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
        : body
  const utf8 = Buffer.from(decodeUtf7(bytes), 'utf8').toString('base64')
  const newline = gap[0].startsWith('\r\n') ? '\r\n' : '\n'
  const lines = utf8.match(/.{1,76}/g) ?? []
  const newHeaders = headers
    .replace(/(charset\s*=\s*)"?(?:unicode-1-1-)?utf-7"?/i, '$1utf-8')
    .replace(/^content-transfer-encoding:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*(?:\r?\n)?/gim, '')
    .replace(/\r?\n$/, '')
  state.changed += 1
  return `${newHeaders}${newline}Content-Transfer-Encoding: base64${newline}${newline}${lines.join(newline)}${newline}`
}

function transcodeMultipart(
  body: string,
  boundary: string,
  depth: number,
  state: { parts: number; changed: number },
): string {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const delimiter = new RegExp(`(^|\\r?\\n)--${escaped}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g')
  const out: string[] = []
  let last = 0
  let inPart = false
  for (const match of body.matchAll(delimiter)) {
    const segment = body.slice(last, match.index)
    if (inPart) {
      const lead = /^\r?\n/.exec(segment)?.[0] ?? ''
      out.push(lead + transcodeEntity(segment.slice(lead.length), depth + 1, state))
    } else out.push(segment)
    out.push(match[0])
    last = (match.index as number) + match[0].length
    inPart = match[2] === undefined
    if (!inPart) break
  }
  out.push(body.slice(last))
  return out.join('')
}

/** One method's result in an Authentication-Results header: `dkim=pass (good signature) header.d=example.com`. */
export interface AuthResult {
  method: string
  methodVersion?: number
  result: string
  /** The comment right after the result, e.g. `good signature`, `sender IP is 192.0.2.1`. */
  resultComment?: string
  /** `reason=` when given. */
  reason?: string
  /** Properties by `ptype.property` (or a bare name for non-standard ones such as EOP's `action`). */
  props: Record<string, string>
}

/** A parsed Authentication-Results (or ARC-Authentication-Results) header. */
export interface AuthenticationResults {
  /** Who stamped it. Exchange Online's EOP writes none. */
  authservId?: string
  version?: number
  /** ARC instance (`i=`) of an ARC-Authentication-Results header. */
  instance?: number
  results: AuthResult[]
  /** Parts that were skipped (bare tokens, malformed result specs). */
  warnings: string[]
}

type Token =
  | { kind: 'word'; text: string; space: boolean }
  | { kind: 'quoted'; text: string; space: boolean }
  | { kind: 'comment'; text: string; space: boolean }
  | { kind: 'punct'; text: ';' | '=' | '/'; space: boolean }

/**
 * Parses an Authentication-Results header value per RFC 8601 (comments anywhere CFWS may stand, quoted
 * strings, folding, several results, unknown methods and properties, `none`), and the forms real receivers
 * write that the RFC does not allow: Exchange Online's without an authserv-id, `;` without a space, and bare
 * tokens between results. Never throws: what it cannot read is listed in `warnings`.
 *
 * @example
 * parseAuthenticationResults('mx.example.com; dkim=pass (good signature) header.d=example.com')
 * // { authservId: 'mx.example.com', results: [{ method: 'dkim', result: 'pass', resultComment: 'good signature', props: { 'header.d': 'example.com' } }], warnings: [] }
 */
export function parseAuthenticationResults(headerValue: string): AuthenticationResults {
  const value = headerValue
    .replace(/^\s*(?:ARC-)?Authentication-Results\s*:/i, '')
    .replace(/\r?\n[ \t]+/g, ' ')
  const out: AuthenticationResults = { results: [], warnings: [] }
  const tokens = tokenize(value, out.warnings)
  let i = 0
  const skipComments = () => {
    while (tokens[i]?.kind === 'comment') i += 1
  }
  const isPunct = (t: Token | undefined, p: string) => t?.kind === 'punct' && t.text === p
  const peekSolid = (from: number) => {
    let k = from
    while (tokens[k]?.kind === 'comment') k += 1
    return k
  }

  // ARC-Authentication-Results starts with the instance: `i=1;`
  skipComments()
  if (
    tokens[i]?.kind === 'word' &&
    tokens[i]?.text.toLowerCase() === 'i' &&
    isPunct(tokens[peekSolid(i + 1)], '=')
  ) {
    const numberAt = peekSolid(peekSolid(i + 1) + 1)
    const instance = Number(tokens[numberAt]?.text)
    if (Number.isInteger(instance)) out.instance = instance
    i = peekSolid(numberAt + 1)
    if (isPunct(tokens[i], ';')) i += 1
  }

  // authserv-id, unless the payload starts straight with `method=` (Exchange Online).
  skipComments()
  const first = tokens[i]
  const startsWithResult =
    first?.kind === 'word' &&
    (isPunct(tokens[peekSolid(i + 1)], '=') || isPunct(tokens[peekSolid(i + 1)], '/'))
  if (first && !startsWithResult && (first.kind === 'word' || first.kind === 'quoted')) {
    out.authservId = first.text
    i += 1
    skipComments()
    const version = tokens[i]
    if (version?.kind === 'word' && /^\d+$/.test(version.text)) {
      out.version = Number(version.text)
      i += 1
    }
  }

  // The rest is `;`-separated resinfo (or `none`).
  const segments: Token[][] = [[]]
  for (; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (isPunct(t, ';')) segments.push([])
    else (segments[segments.length - 1] as Token[]).push(t)
  }
  for (const segment of segments) {
    const solid = segment.filter((t) => t.kind !== 'comment')
    if (solid.length === 0) continue
    if (solid.length === 1 && solid[0]?.kind === 'word' && solid[0].text.toLowerCase() === 'none') continue
    const result = parseResinfo(segment)
    if (typeof result === 'string') out.warnings.push(result)
    else out.results.push(result)
  }
  return out
}

function parseResinfo(segment: Token[]): AuthResult | string {
  let i = 0
  const comments: string[] = []
  const next = (): Token | undefined => {
    while (segment[i]?.kind === 'comment') comments.push((segment[i++] as Token).text)
    return segment[i]
  }
  const shown = () =>
    segment
      .filter((t) => t.kind !== 'comment')
      .map((t) => t.text)
      .join(' ')
  const method = next()
  if (method?.kind !== 'word') return `skipped ${JSON.stringify(shown())}: no method`
  i += 1
  let methodVersion: number | undefined
  let t = next()
  if (t?.kind === 'punct' && t.text === '/') {
    i += 1
    const version = next()
    if (version?.kind !== 'word' || !/^\d+$/.test(version.text))
      return `skipped ${JSON.stringify(shown())}: bad method version`
    methodVersion = Number(version.text)
    i += 1
    t = next()
  }
  if (!(t?.kind === 'punct' && t.text === '=')) {
    // Bare tokens between results (old Exchange Online headers insert the recipient domain).
    return `skipped ${JSON.stringify(shown())}: not a method=result`
  }
  i += 1
  const result = next()
  if (result?.kind !== 'word') return `skipped ${JSON.stringify(shown())}: no result`
  i += 1
  comments.length = 0
  next()
  const resultComment = comments.length ? comments.join(' ') : undefined
  const out: AuthResult = { method: method.text.toLowerCase(), result: result.text.toLowerCase(), props: {} }
  if (methodVersion !== undefined) out.methodVersion = methodVersion
  if (resultComment !== undefined) out.resultComment = resultComment
  while (i < segment.length) {
    // A property name may be split by CFWS around its dot: `policy (c) . (c) expired`.
    const nameParts: string[] = []
    let tok = next()
    while (tok?.kind === 'word') {
      nameParts.push(tok.text)
      i += 1
      tok = next()
    }
    if (!(tok?.kind === 'punct' && tok.text === '=') || nameParts.length === 0) {
      if (i < segment.length) i += 1
      continue
    }
    i += 1
    const name = nameParts.join('').toLowerCase()
    const first = next()
    if (!first || first.kind === 'punct') continue
    let pvalue = first.text
    i += 1
    // Glue tokens written without space (base64 `header.b=ab/c+d==`).
    while (segment[i] && !(segment[i] as Token).space && (segment[i] as Token).kind !== 'comment') {
      const glued = segment[i] as Token
      if (glued.kind === 'punct' && glued.text === ';') break
      pvalue += glued.text
      i += 1
    }
    if (name === 'reason') out.reason = pvalue
    else out.props[name] = pvalue
  }
  return out
}

// Every branch advances `i`, so the loop ends on any input: a sender can plant any header.
function tokenize(value: string, warnings: string[]): Token[] {
  const tokens: Token[] = []
  let i = 0
  let space = false
  while (i < value.length) {
    const c = value[i] as string
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      space = true
      i += 1
      continue
    }
    if (c === ')') {
      warnings.push(`ignored an unbalanced ")" at offset ${i}`)
      space = true
      i += 1
      continue
    }
    if (c === '(') {
      const start = i
      let depth = 0
      let text = ''
      for (; i < value.length; i++) {
        const d = value[i] as string
        if (d === '\\') {
          text += value[i + 1] ?? ''
          i += 1
          continue
        }
        if (d === '(') {
          if (depth > 0) text += d
          depth += 1
        } else if (d === ')') {
          depth -= 1
          if (depth === 0) {
            i += 1
            break
          }
          text += d
        } else text += d
      }
      if (depth > 0) warnings.push(`the comment opened at offset ${start} is not closed`)
      tokens.push({ kind: 'comment', text: text.trim(), space })
      space = true
      continue
    }
    if (c === '"') {
      const start = i
      let text = ''
      i += 1
      for (; i < value.length && value[i] !== '"'; i++) {
        if (value[i] === '\\') i += 1
        text += value[i] ?? ''
      }
      if (i >= value.length) warnings.push(`the quoted string opened at offset ${start} is not closed`)
      i += 1
      tokens.push({ kind: 'quoted', text, space })
      space = false
      continue
    }
    if (c === ';' || c === '=' || c === '/') {
      tokens.push({ kind: 'punct', text: c, space })
      space = false
      i += 1
      continue
    }
    let text = ''
    while (i < value.length && !/[\s;=/()"]/.test(value[i] as string)) text += value[i++]
    tokens.push({ kind: 'word', text, space })
    space = false
  }
  return tokens
}

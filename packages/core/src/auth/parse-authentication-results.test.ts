import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type AuthenticationResults, parseAuthenticationResults } from './parse-authentication-results.js'

// RFC 8601 / RFC 7601 Appendix B examples with the parse the RFC documents.
const appendix = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/rfc8601-appendix-b.json', import.meta.url), 'utf8'),
) as {
  examples: Array<{ name: string; header: string; parse: Omit<AuthenticationResults, 'warnings'> }>
}

describe('parseAuthenticationResults', () => {
  it.each(appendix.examples.map((e) => [e.name, e] as const))(
    'parses %s as the RFC documents',
    (_name, example) => {
      const { warnings, ...parsed } = parseAuthenticationResults(example.header)
      expect(parsed).toEqual(example.parse)
      expect(warnings).toEqual([])
    },
  )

  it("reads Exchange Online's form: no authserv-id, ';' without space, folding, several dkim, compauth", () => {
    const parsed = parseAuthenticationResults(
      'spf=pass (sender IP is 52.128.44.60)\r\n smtp.mailfrom=em-4103690.goodchoicelending.com; dkim=pass (signature was\r\n verified) header.d=goodchoicelending.com;dkim=pass (signature was verified)\r\n header.d=mailersys.com;dmarc=pass action=none\r\n header.from=goodchoicelending.com;compauth=pass reason=100',
    )
    expect(parsed.authservId).toBeUndefined()
    expect(parsed.results).toEqual([
      {
        method: 'spf',
        result: 'pass',
        resultComment: 'sender IP is 52.128.44.60',
        props: { 'smtp.mailfrom': 'em-4103690.goodchoicelending.com' },
      },
      {
        method: 'dkim',
        result: 'pass',
        resultComment: 'signature was verified',
        props: { 'header.d': 'goodchoicelending.com' },
      },
      {
        method: 'dkim',
        result: 'pass',
        resultComment: 'signature was verified',
        props: { 'header.d': 'mailersys.com' },
      },
      { method: 'dmarc', result: 'pass', props: { action: 'none', 'header.from': 'goodchoicelending.com' } },
      { method: 'compauth', result: 'pass', reason: '100', props: {} },
    ])
  })

  it('skips the bare recipient-domain tokens of older Exchange Online headers, saying so', () => {
    const parsed = parseAuthenticationResults(
      'spf=pass (sender IP is 123.126.97.3) smtp.mailfrom=163.com; judytmdevorg.onmicrosoft.com; dkim=pass (signature was verified) header.d=163.com;judytmdevorg.onmicrosoft.com; dmarc=pass action=none header.from=163.com;compauth=pass reason=100',
    )
    expect(parsed.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      'spf=pass',
      'dkim=pass',
      'dmarc=pass',
      'compauth=pass',
    ])
    expect(parsed.warnings).toEqual([
      'skipped "judytmdevorg.onmicrosoft.com": not a method=result',
      'skipped "judytmdevorg.onmicrosoft.com": not a method=result',
    ])
  })

  it("reads Gmail's and Microsoft's ARC-Authentication-Results with instance and version", () => {
    const gmail = parseAuthenticationResults(
      'ARC-Authentication-Results: i=1; mx.google.com;\r\n       dkim=pass header.i=@gmail.com header.s=20161025 header.b=EOk/HN4+OY==;\r\n       spf=pass (google.com: domain of x@gmail.com designates 209.85.220.65 as permitted sender) smtp.mailfrom=x@gmail.com;\r\n       dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=kernel.org',
    )
    expect(gmail.instance).toBe(1)
    expect(gmail.authservId).toBe('mx.google.com')
    expect(gmail.results[0]?.props).toEqual({
      'header.i': '@gmail.com',
      'header.s': '20161025',
      'header.b': 'EOk/HN4+OY==',
    })
    expect(gmail.results[2]).toEqual({
      method: 'dmarc',
      result: 'fail',
      resultComment: 'p=NONE sp=NONE dis=NONE',
      props: { 'header.from': 'kernel.org' },
    })
    const microsoft = parseAuthenticationResults(
      'i=1; mx.microsoft.com 1; spf=pass\r\n smtp.mailfrom=amd.com; dmarc=pass action=none header.from=amd.com; dkim=pass\r\n header.d=amd.com; arc=none',
    )
    expect([microsoft.instance, microsoft.authservId, microsoft.version]).toEqual([1, 'mx.microsoft.com', 1])
    expect(microsoft.results.map((r) => `${r.method}=${r.result}`)).toEqual([
      'spf=pass',
      'dmarc=pass',
      'dkim=pass',
      'arc=none',
    ])
  })

  it('never throws on garbage', () => {
    for (const junk of ['', ';;;', '(unclosed', '"unclosed', '= = =', 'x; =pass; dkim=', 'a/b=c']) {
      expect(() => parseAuthenticationResults(junk)).not.toThrow()
    }
  })

  // A sender can plant these: the tokenizer used to loop forever on a stray ')' until the heap ran out.
  it('returns on an unbalanced ")", keeping what it can read and saying what it ignored', () => {
    const spf = parseAuthenticationResults('example.com; spf=pass )')
    expect(spf.results).toEqual([{ method: 'spf', result: 'pass', props: {} }])
    expect(spf.warnings).toEqual(['ignored an unbalanced ")" at offset 22'])
    const dkim = parseAuthenticationResults('example.com; dkim=pass (x)) header.d=example.com')
    expect(dkim.results).toEqual([
      { method: 'dkim', result: 'pass', resultComment: 'x', props: { 'header.d': 'example.com' } },
    ])
    expect(dkim.warnings).toEqual(['ignored an unbalanced ")" at offset 26'])
    const many = parseAuthenticationResults(`mx; spf=pass ${')'.repeat(10_000)}`)
    expect(many.results).toHaveLength(1)
    expect(many.warnings).toHaveLength(10_000)
  })

  it('says when a comment or a quoted string is never closed', () => {
    expect(parseAuthenticationResults('mx; spf=pass (never closed').warnings).toEqual([
      'the comment opened at offset 13 is not closed',
    ])
    expect(parseAuthenticationResults('mx; spf=pass smtp.mailfrom="a@b').warnings).toEqual([
      'the quoted string opened at offset 27 is not closed',
    ])
  })
})

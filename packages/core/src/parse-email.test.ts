import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseEmail, summarizeEmail } from './parse-email.js'

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url))
const meta = {
  id: 'e1',
  envelope: { mailFrom: 'bounce@example.com', rcptTo: ['alice@inbox.test'] },
  receivedAt: new Date(0),
}

describe('parseEmail', () => {
  it('decodes headers, addresses, groups, bodies, links, codes and attachments', async () => {
    const raw = fixture('multipart-complete.eml')
    const email = await parseEmail(raw, meta)
    expect(email.subject).toBe('ÉlèVe 🚀')
    expect(email.from).toEqual({ address: 'jose@example.com', name: 'José' })
    expect(email.to.map((a) => a.address)).toEqual(['alice@inbox.test', 'bob@inbox.test', 'carol@inbox.test'])
    expect(email.cc).toEqual([{ address: 'dave@inbox.test', name: '' }])
    expect(email.replyTo).toEqual([{ address: 'support@example.com', name: '' }])
    expect(email.messageId).toBe('<abc@example.com>')
    expect(email.date?.toISOString()).toBe('2026-11-26T10:00:00.000Z')
    expect(email.headerValues('x-multi')).toEqual(['one', 'two'])
    expect(email.header('X-Folded')).toBe('first  second')
    expect(email.headers.map((h) => h.name).slice(0, 3)).toEqual(['From', 'To', 'Cc'])
    expect(email.text).toContain('Reset your password with code 7731')
    expect(email.html).toContain('<b>7731</b>')
    expect(email.codes).toEqual(['7731'])
    expect(email.links).toEqual([
      { href: 'https://app.test/reset?u=1', text: 'Reset & continue', source: 'html' },
      { href: 'https://app.test/help', text: 'Help', source: 'html' },
    ])
    expect(email.attachments.map((a) => [a.filename, a.contentType, a.inline, a.cid ?? null])).toEqual([
      ['logo.png', 'image/png', true, 'logo@app'],
      ['report.csv', 'text/csv', false, null],
    ])
    expect(email.attachments[1]?.content().toString()).toBe('a,b\r\n1,2')
    expect(email.raw).toBe(raw)
    expect(email.size).toBe(raw.length)
    expect(email.warnings).toEqual([])
  })

  it('keeps raw bytes and warns on a multipart boundary that is never closed', async () => {
    const raw = fixture('broken-boundary.eml')
    const email = await parseEmail(raw, meta)
    expect(email.raw.equals(raw)).toBe(true)
    expect(email.warnings.join('\n')).toMatch(/boundary "b1" is never closed/)
    expect(email.text).toContain('first part')
  })

  it('reads invalid UTF-8 headers as Latin-1 with a warning naming the byte offset', async () => {
    const raw = fixture('invalid-utf8-header.eml')
    const email = await parseEmail(raw, meta)
    expect(email.subject).toBe('Café au lait ÿþ')
    expect(email.warnings[0]).toMatch(/header section is not valid UTF-8 \(first bad byte at offset 69\)/)
    expect(raw[69]).toBe(0xe9)
    expect(email.raw.equals(raw)).toBe(true)
  })

  it('survives bad base64, unknown charsets and broken encoded words', async () => {
    const raw = fixture('bad-encodings.eml')
    const email = await parseEmail(raw, meta)
    expect(email.subject).toContain('and')
    expect(typeof email.text).toBe('string')
    expect(email.raw.equals(raw)).toBe(true)
  })

  it('handles a message with no header section and no body', async () => {
    const email = await parseEmail(Buffer.from('\r\n'), meta)
    expect(email.subject).toBe('')
    expect(email.headers).toEqual([])
    expect(email.links).toEqual([])
  })

  it('warns about an unparseable Date header instead of inventing one', async () => {
    const email = await parseEmail(Buffer.from('Subject: x\r\nDate: not a date\r\n\r\nhi\r\n'), meta)
    expect(email.date).toBeUndefined()
    expect(email.warnings).toContain('Date header "not a date" is not a valid date')
  })

  it('serialises to JSON without raw bytes or attachment contents', async () => {
    const email = await parseEmail(fixture('multipart-complete.eml'), meta)
    const json = JSON.parse(JSON.stringify(email))
    expect(json.raw).toBeUndefined()
    expect(json.attachments[1]).toEqual({
      filename: 'report.csv',
      contentType: 'text/csv',
      size: 8,
      inline: false,
    })
    expect(json.subject).toBe('ÉlèVe 🚀')
  })
})

describe('summarizeEmail', () => {
  it('gives addresses and subject from the headers alone', () => {
    const summary = summarizeEmail(fixture('multipart-complete.eml'), meta)
    expect(summary.subject).toBe('ÉlèVe 🚀')
    expect(summary.to).toHaveLength(3)
    expect('text' in summary).toBe(false)
  })

  // Old Outlook wrote UTF-7 (RFC 2152); mailparser and TextDecoder refuse it, so it used to show as
  // "+AOk-". Only UTF-7 parts are decoded; the raw bytes stay as they came.
  it('decodes UTF-7 encoded words and text parts, and says it did', async () => {
    const raw = fixture('utf-7.eml')
    const email = await parseEmail(raw, meta)
    expect(email.subject).toBe('Café 1 + 1 = 2 日本語')
    expect(email.from).toEqual({ address: 'rene@example.com', name: 'René' })
    expect(email.text).toContain('Bonjour René, your code is 4821 + more: 日本語')
    expect(email.html).toBe('<p>Bonjour René, code <b>4821</b></p>')
    expect(email.codes).toEqual(['4821'])
    expect(email.raw).toBe(raw)
    expect(email.warnings).toEqual([
      'decoded 2 UTF-7 text parts (RFC 2152, old Outlook mail); filters often refuse this charset because it can hide markup',
    ])
  })

  // Found in review: a 25 MB "header section" (no blank line) took seconds and kept millions of warnings.
  it('reads at most 1 MiB as headers and keeps the warnings few', async () => {
    const raw = Buffer.from(`Subject: big\r\n${'x\r\n'.repeat(2_000_000)}`)
    const email = summarizeEmail(raw, meta)
    expect(email.subject).toBe('big')
    expect(email.warnings).toContain(
      `header section is ${raw.length} bytes; only the first 1048576 were read as headers (raw bytes kept)`,
    )
    expect(email.warnings.length).toBeLessThan(30)
    expect(email.warnings.some((w) => /^3\d{5} more header lines without a name$/.test(w))).toBe(true)
  })
})

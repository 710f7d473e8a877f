import { CheckError } from '@mailwright/core'
import { describe, expect, it } from 'vitest'
import { checkCompatibility, resolveClients } from './check-compatibility.js'
import { captured, fixture } from './fixture.test-util.js'

const CLIENTS = ['gmail', 'outlook-windows', 'apple-mail']

describe('checkCompatibility', () => {
  it('finds the features a modern-CSS newsletter uses that Gmail and Outlook do not support, with caniemail pages', async () => {
    const result = await checkCompatibility(await fixture('modern-css.eml'), CLIENTS)
    const byFeature = Object.fromEntries(result.unsupported.map((f) => [f.feature, f]))
    expect(byFeature['display:flex']).toEqual({
      feature: 'display:flex',
      clients: ['outlook.windows'],
      url: 'https://www.caniemail.com/features/css-display-flex/',
      notes: [],
    })
    expect(byFeature['<video> element']?.clients).toEqual(
      expect.arrayContaining(['gmail.desktop-webmail', 'outlook.windows']),
    )
    expect(byFeature['display:grid']?.clients).toContain('outlook.windows')
    // Apple Mail renders all of it: it is in no finding.
    expect(result.unsupported.flatMap((f) => f.clients).filter((c) => c.startsWith('apple-mail'))).toEqual([])
    expect(result.clients).toEqual([
      'apple-mail.ios',
      'apple-mail.macos',
      'gmail.android',
      'gmail.desktop-webmail',
      'gmail.ios',
      'gmail.mobile-webmail',
      'outlook.windows',
    ])
    expect(result.dataDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('finds nothing unsupported in a table layout with inline styles (partial support is listed apart)', async () => {
    const result = await checkCompatibility(await fixture('table-layout.eml'), CLIENTS)
    expect(result.unsupported).toEqual([])
    expect(result.failOnPartial).toBe(false)
    for (const finding of result.partial)
      expect(finding.url).toMatch(/^https:\/\/www\.caniemail\.com\/features\//)
  })

  it('checks clients whose caniemail data has gaps without failing (Thunderbird on Windows, GMX apps)', async () => {
    const result = await checkCompatibility(await fixture('modern-css.eml'), ['thunderbird.windows', 'gmx.*'])
    expect(result.clients).toEqual(['gmx.android', 'gmx.desktop-webmail', 'gmx.ios', 'thunderbird.windows'])
    expect(result.unsupported.length).toBeGreaterThan(0)
  })

  it('has nothing to check in a plain-text email', async () => {
    const email = await captured('From: a@example.com\r\nTo: b@inbox.test\r\nSubject: hi\r\n\r\nplain\r\n')
    expect(await checkCompatibility(email, CLIENTS)).toMatchObject({ unsupported: [], partial: [] })
  })

  it('cuts caniemail off at the timeout on a stylesheet it would read for minutes, with an error naming it', async () => {
    const html = `<style>${'.a{color:red;display:grid}\n'.repeat(80_000)}</style>`
    const email = await captured(
      `From: a@example.com\r\nTo: b@inbox.test\r\nSubject: styles\r\nContent-Type: text/html\r\n\r\n${html}\r\n`,
    )
    const error = await checkCompatibility(email, CLIENTS, { timeout: 300 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckError)
    expect(error).toMatchObject({ checker: 'caniemail' })
    expect((error as Error).message).toMatch(
      /caniemail did not finish reading the HTML of "styles" .* within 300 ms \(2\d{3} KB of HTML\)/,
    )
    // The thread was ended: the next check runs.
    expect((await checkCompatibility(await fixture('table-layout.eml'), CLIENTS)).unsupported).toEqual([])
  })

  it('refuses HTML past 5 MB with an error naming caniemail, rather than parsing it', async () => {
    const html = `<p>${'x'.repeat(6 * 1024 * 1024)}</p>`
    const email = await captured(
      `From: a@example.com\r\nTo: b@inbox.test\r\nSubject: big\r\nContent-Type: text/html\r\n\r\n${html}\r\n`,
    )
    const error = await checkCompatibility(email, CLIENTS).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CheckError)
    expect(error).toMatchObject({ checker: 'caniemail' })
    expect((error as Error).message).toMatch(/6\.0 MB of HTML; compatibility is checked up to 5 MB/)
  })
})

describe('resolveClients', () => {
  it('takes families, dashed names, caniemail names and globs', () => {
    expect(resolveClients(['outlook-windows'])).toEqual(['outlook.windows'])
    expect(resolveClients(['outlook-com'])).toEqual(['outlook.outlook-com'])
    expect(resolveClients(['apple-mail'])).toEqual(['apple-mail.ios', 'apple-mail.macos'])
    expect(resolveClients(['gmail.desktop-webmail', 'yahoo.*'])).toEqual([
      'gmail.desktop-webmail',
      'yahoo.android',
      'yahoo.desktop-webmail',
      'yahoo.ios',
    ])
    expect(resolveClients(['*.macos'])).toEqual(['apple-mail.macos', 'outlook.macos', 'thunderbird.macos'])
  })

  it('names an unknown client and lists the known ones', () => {
    expect(() => resolveClients(['gmial'])).toThrowError(
      /Invalid email client: "gmial"\. Expected "gmail" \(did you mean it\?\), or a family \(aol, apple-mail, fastmail,.*gmail.*\), a family-platform/,
    )
  })
})

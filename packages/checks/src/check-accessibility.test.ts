import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CheckError } from '@mailwright/core'
import { renderEmailHtml } from '@mailwright/core/internal'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canRun, describeWith } from '../../core/src/requirement.test-util.js'
import { checkAccessibility } from './check-accessibility.js'
import { closeCheckBrowser, emailPage } from './email-page.js'
import { captured, fixture } from './fixture.test-util.js'

const chromium = {
  available:
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some((c) => canRun(c)) ||
    Boolean(process.env.CHROMIUM_PATH),
  missing: 'no Chromium',
  install: 'apt-get install chromium, or set CHROMIUM_PATH',
}

describeWith(chromium)('checkAccessibility (axe-core in Chromium)', () => {
  // Requests the rendered email might make: there must be none.
  let server: Server
  let hits = 0
  let app: string
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1
      res.writeHead(200, { 'content-type': 'image/png' }).end()
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    app = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await closeCheckBrowser()
    await new Promise<void>((done) => server.close(() => done()))
  })

  it('finds no violation in an accessible email (lang, alt text, contrast, link text, layout tables marked)', async () => {
    const result = await checkAccessibility(await fixture('accessible-email.eml', { app }))
    expect(result).toMatchObject({ kind: 'accessibility', violations: [], belowImpact: [], impact: 'minor' })
    expect(result.axeVersion).toMatch(/^4\.\d+\.\d+$/)
  })

  it('finds what an inaccessible email breaks, most severe first, with elements and help pages', async () => {
    const result = await checkAccessibility(await fixture('inaccessible-email.eml'))
    expect(result.violations.map((v) => [v.impact, v.id])).toEqual([
      ['critical', 'image-alt'],
      ['serious', 'color-contrast'],
      ['serious', 'html-has-lang'],
      ['serious', 'link-name'],
      ['moderate', 'email-layout-table'],
    ])
    const alt = result.violations[0]
    expect(alt?.helpUrl).toMatch(/^https:\/\/dequeuniversity\.com\/rules\/axe\/4\.\d+\/image-alt/)
    expect(alt?.nodes).toHaveLength(2)
    expect(alt?.nodes[0]).toEqual({
      target: 'img[height="200"]',
      html: '<img src="https://cdn.example.com/banner.png" width="600" height="200">',
    })
  })

  it('fails only at the impact asked for, lists the rest, and turns rules off', async () => {
    const result = await checkAccessibility(await fixture('inaccessible-email.eml'), {
      impact: 'critical',
      rules: { 'image-alt': false },
    })
    expect(result.violations).toEqual([])
    expect(result.belowImpact.map((v) => v.id)).toEqual([
      'color-contrast',
      'html-has-lang',
      'link-name',
      'email-layout-table',
    ])
  })

  it('checks emails asked for at once one after another on one page, none seeing the other', async () => {
    const [bad, good, bad2] = await Promise.all([
      checkAccessibility(await fixture('inaccessible-email.eml')),
      checkAccessibility(await fixture('accessible-email.eml', { app })),
      checkAccessibility(await fixture('inaccessible-email.eml')),
    ])
    expect(good?.violations).toEqual([])
    expect(bad?.violations.map((v) => v.id)).toEqual(bad2?.violations.map((v) => v.id))
    expect(bad?.violations).toHaveLength(5)
  })

  it("runs none of the email's scripts and fetches none of its images", async () => {
    const email = await captured(
      `From: a@example.com\r\nTo: b@inbox.test\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<html lang="en"><body><img src="${app}/pixel.png" alt="pixel"><p>Hi</p><script>document.body.dataset.ran = 'yes'</script><img src="x" onerror="document.body.dataset.ran = 'yes'" alt="x"></body></html>\r\n`,
    )
    await checkAccessibility(email)
    const ran = await emailPage('test', renderEmailHtml(email), { width: 800, height: 600 }, 10_000, (page) =>
      page.evaluate('document.body.dataset.ran ?? "no"'),
    )
    expect(ran).toBe('no')
    expect(hits).toBe(0)
  })

  it('has nothing to check in a plain-text email', async () => {
    const email = await captured('From: a@example.com\r\nTo: b@inbox.test\r\nSubject: x\r\n\r\nplain\r\n')
    expect(await checkAccessibility(email)).toMatchObject({ violations: [], belowImpact: [] })
  })

  it('gives an error naming axe-core, never a pass, when it does not finish in time', async () => {
    const error = await checkAccessibility(await fixture('inaccessible-email.eml'), { timeout: 1 }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CheckError)
    expect(error).toMatchObject({ checker: 'axe-core' })
    expect((error as Error).message).toMatch(/axe-core did not finish within 1 ms in Chromium/)
  })
})

describe('checkAccessibility options', () => {
  it('names an unknown impact', async () => {
    const email = await captured(
      'From: a@example.com\r\nTo: b@inbox.test\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n',
    )
    // @ts-expect-error: not an impact
    await expect(checkAccessibility(email, { impact: 'severe' })).rejects.toThrowError(
      /Invalid accessibility impact: "severe"\. Expected one of minor, moderate, serious, critical\./,
    )
  })
})

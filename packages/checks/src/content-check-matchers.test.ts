import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CheckError, emailMatchers, type MatcherResult } from '@mailwright/core'
import { useCheckContext } from '@mailwright/core/internal'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { canRun, describeWith } from '../../core/src/requirement.test-util.js'
import { budget } from '../../core/src/time-budget.test-util.js'
import { closeCheckBrowser } from './email-page.js'
import { fixture } from './fixture.test-util.js'
import { type StartedSpamFilter, startSpamFilter } from './start-spam-filter.js'

// Core's matchers, as both runners register them: they load this package to run the checks.
const positive = { isNot: false }
const negated = { isNot: true }

let server: Server
let app: string
let requests = 0
beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1
    res.writeHead(/^\/(orders|help)\//.test(req.url ?? '') ? 200 : 404).end()
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  app = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await closeCheckBrowser()
  await new Promise<void>((done) => server.close(() => done()))
})
afterEach(() => useCheckContext(undefined))

describe('toBeCompatibleWith', () => {
  it('passes on a table layout and fails on modern CSS, listing each feature, its clients and its page', async () => {
    const clients = ['gmail', 'outlook-windows', 'apple-mail']
    const pass = await emailMatchers.toBeCompatibleWith.call(
      positive,
      await fixture('table-layout.eml'),
      clients,
    )
    expect(pass.pass).toBe(true)
    const fail = await emailMatchers.toBeCompatibleWith.call(
      positive,
      await fixture('modern-css.eml'),
      clients,
    )
    expect(fail.pass).toBe(false)
    expect(fail.check).toMatchObject({ kind: 'compatibility' })
    const message = fail.message()
    expect(message).toMatch(
      /^expect\(email\)\.toBeCompatibleWith\(\["gmail", "outlook-windows", "apple-mail"\]\) failed\n\nExpected: no HTML or CSS feature that apple-mail\.ios, apple-mail\.macos, gmail\.android, gmail\.desktop-webmail, gmail\.ios, gmail\.mobile-webmail, outlook\.windows do not support\nReceived: 10 unsupported, \d+ partly supported feature\(s\)\n\nNot supported:\n/,
    )
    expect(message).toContain(
      '  display:flex — outlook.windows\n    https://www.caniemail.com/features/css-display-flex/',
    )
    expect(message).toMatch(/Partly supported \(not failing; \{ failOnPartial: true \} to fail\):/)
    expect(message).toMatch(
      /\nData: caniemail, updated \d{4}-\d{2}-\d{2}\.\n\nEmail: {4}"The November newsletter" from news@example\.com to alice@inbox\.test$/,
    )
  })

  it("takes the clients from the environment's checks.compatibility, and asks for them when there are none", async () => {
    useCheckContext({ sandbox: true, checks: { compatibility: { clients: ['apple-mail'] } } })
    expect(
      (await emailMatchers.toBeCompatibleWith.call(positive, await fixture('modern-css.eml'))).pass,
    ).toBe(true)
    useCheckContext(undefined)
    await expect(
      emailMatchers.toBeCompatibleWith.call(positive, await fixture('modern-css.eml')),
    ).rejects.toThrowError(
      /Invalid toBeCompatibleWith\(\) clients: undefined\. Expected a list of email clients, e\.g\. \['gmail', 'outlook-windows', 'apple-mail'\] \(or set checks\.compatibility\.clients in mailwright\.config\.ts\)\./,
    )
  })
})

describe('toHaveWorkingLinks', () => {
  it('passes when every link answers, fails listing the broken ones, and asks each link once per email', async () => {
    const good = await fixture('accessible-email.eml', { app })
    const before = requests
    expect((await emailMatchers.toHaveWorkingLinks.call(positive, good)).pass).toBe(true)
    // `.not` on the same email reuses the answer: the application is not asked again.
    expect((await emailMatchers.toHaveWorkingLinks.call(negated, good)).pass).toBe(true)
    expect(requests - before).toBe(2)
    const broken = await fixture('accessible-email.eml', { app: `${app}/gone` })
    const result = await emailMatchers.toHaveWorkingLinks.call(positive, broken)
    expect(result.pass).toBe(false)
    expect(result.message()).toBe(
      [
        'expect(email).toHaveWorkingLinks() failed',
        '',
        'Expected: every link and image to answer below 400, with no http: where https: is required and no forbidden host',
        'Received: 1 ok, 2 broken, 0 with a problem, 0 not checked',
        '',
        `  broken      ${app}/gone/orders/1842 404 "Track order 1842" — answered 404`,
        `  broken      ${app}/gone/help/shipping 404 "our shipping help" — answered 404`,
        '',
        'Email:    "Your order has shipped" from support@example.com to alice@inbox.test',
      ].join('\n'),
    )
  })
})

describeWith({
  available:
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].some((c) => canRun(c)) ||
    Boolean(process.env.CHROMIUM_PATH),
  missing: 'no Chromium',
  install: 'apt-get install chromium, or set CHROMIUM_PATH',
})('toBeAccessible', () => {
  it(
    'fails listing each violation with its elements and help page, and passes an accessible email',
    async () => {
      expect(
        (await emailMatchers.toBeAccessible.call(positive, await fixture('accessible-email.eml', { app })))
          .pass,
      ).toBe(true)
      const result = await emailMatchers.toBeAccessible.call(
        positive,
        await fixture('inaccessible-email.eml'),
      )
      expect(result.pass).toBe(false)
      const message = result.message()
      expect(message).toMatch(
        /^expect\(email\)\.toBeAccessible\(\) failed\n\nExpected: no accessibility violation\nReceived: 5 violation\(s\)\n\n {2}critical image-alt: Images must have alternative text \(2 elements\)\n/,
      )
      expect(message).toMatch(
        /\n {11}https:\/\/dequeuniversity\.com\/rules\/axe\/4\.\d+\/image-alt\?application=axeAPI\n/,
      )
      expect(message).toContain(
        '  moderate email-layout-table: Layout tables must have role="presentation" (or headers, if they hold data) (1 element)',
      )
      expect(message).toMatch(/Checked by axe-core 4\.\d+\.\d+ on the email rendered in Chromium\./)
      const serious = await emailMatchers.toBeAccessible.call(
        positive,
        await fixture('inaccessible-email.eml'),
        {
          impact: 'critical',
        },
      )
      expect(serious.message()).toMatch(
        /Expected: no accessibility violation of impact critical or more\n.*\n[\s\S]*Below critical \(not failing\): color-contrast \(serious\), html-has-lang \(serious\), link-name \(serious\), email-layout-table \(moderate\)/,
      )
    },
    budget(60_000),
  )
})

describeWith({
  available: canRun('rspamd', ['--version']),
  missing: 'rspamd is not installed',
  install: 'apt-get install rspamd',
})('toHaveSpamScore', () => {
  let filter: StartedSpamFilter
  beforeAll(async () => {
    filter = await startSpamFilter('rspamd')
  }, budget(120_000))
  afterAll(() => filter?.stop())

  it("fails spam against rspamd's own threshold, listing the rules that added to the score", async () => {
    useCheckContext({ sandbox: true, checks: { spam: { url: filter.url } } })
    const result: MatcherResult = await emailMatchers.toHaveSpamScore.call(
      positive,
      await fixture('spam.eml'),
    )
    expect(result.pass).toBe(false)
    expect(result.message()).toMatch(
      /^expect\(email\)\.toHaveSpamScore\(\) failed\n\nExpected: a spam score below 6 \(rspamd's spam threshold\)\nReceived: \d+(\.\d+)? from rspamd \((add header|rewrite subject|reject)\)\n\nRules that added to the score:\n {2,3}\+\d+\.\d\d {2}[A-Z_]+/,
    )
    expect(result.message()).toMatch(
      /\nNot run offline \(docs\/spam-score\.md\): rbl and surbl \(DNS and URL blocklists\); /,
    )
    const passing = await emailMatchers.toHaveSpamScore.call(positive, await fixture('not-spam.eml'), {
      below: 5,
    })
    expect(passing.pass).toBe(true)
  })

  it('never passes when the filter cannot answer, with or without .not', async () => {
    useCheckContext({ sandbox: true, checks: { spam: { url: 'http://127.0.0.1:9' } } })
    for (const state of [positive, negated]) {
      const error = await emailMatchers.toHaveSpamScore
        .call(state, await fixture('spam.eml'))
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CheckError)
      expect((error as Error).message).toMatch(
        /rspamd at http:\/\/127\.0\.0\.1:9 is not answering \(ECONNREFUSED\)/,
      )
    }
  })
})

describe('content matchers and bad input', () => {
  it('name a forgotten await, and refuse options that are not options', async () => {
    const email = fixture('table-layout.eml')
    await expect(emailMatchers.toHaveWorkingLinks.call(positive, email)).rejects.toThrowError(
      /received a Promise, not an email\. Did you forget `await`\?/,
    )
    await expect(
      // @ts-expect-error: not a number
      emailMatchers.toHaveSpamScore.call(positive, await email, { below: '5' }),
    ).rejects.toThrowError(
      /Invalid toHaveSpamScore\(\) options\.below: "5"\. Expected a number, e\.g\. \{ below: 5 \}\./,
    )
  })
})

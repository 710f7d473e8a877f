import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkLinks } from './check-links.js'
import { captured, fixture } from './fixture.test-util.js'

// The application under test, on loopback: some pages work, some do not, some redirect.
let server: Server
let app: string
const requests: string[] = []
const heads = new Set<string>()

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const url = new URL(req.url ?? '/', 'http://app').pathname
    if (url === '/no-head' && req.method === 'HEAD') return void res.writeHead(405).end()
    if (req.method === 'HEAD') heads.add(url)
    const routes: Record<string, () => void> = {
      '/orders/1842': () => res.writeHead(200).end('order'),
      '/help/shipping': () => res.writeHead(200).end('help'),
      '/no-head': () => res.writeHead(200).end('only GET'),
      '/track': () => res.writeHead(302, { location: '/orders/1842' }).end(),
      '/track-broken': () => res.writeHead(302, { location: '/gone' }).end(),
      '/loop-a': () => res.writeHead(302, { location: '/loop-b' }).end(),
      '/loop-b': () => res.writeHead(302, { location: '/loop-a' }).end(),
      '/away': () => res.writeHead(302, { location: 'https://tracker.example.net/c?id=1' }).end(),
      '/to-dev': () => res.writeHead(302, { location: `http://dev.localhost:${port()}/orders/1842` }).end(),
      '/slow': () => setTimeout(() => res.writeHead(200).end(), 2000),
    }
    const route = routes[url]
    if (route) route()
    else res.writeHead(404).end('not found')
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  app = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))
const port = () => (server.address() as AddressInfo).port

/** An HTML email with these links and images. */
function email(body: string) {
  return captured(
    `From: a@example.com\r\nTo: alice@inbox.test\r\nSubject: links\r\nContent-Type: text/html\r\n\r\n<html><body>${body}</body></html>\r\n`,
  )
}

describe('checkLinks', () => {
  it('finds every link and image of a working email ok, its cid: logo included', async () => {
    const result = await checkLinks(await fixture('accessible-email.eml', { app }))
    expect(result.links).toEqual([
      { url: `${app}/orders/1842`, element: 'link', text: 'Track order 1842', outcome: 'ok', status: 200 },
      { url: `${app}/help/shipping`, element: 'link', text: 'our shipping help', outcome: 'ok', status: 200 },
      { url: 'cid:logo@example.com', element: 'image', text: 'Acme', outcome: 'ok' },
    ])
    // Asked with HEAD: nothing was downloaded, and GET handlers with side effects were not run.
    expect(heads).toContain('/orders/1842')
  })

  it('finds broken links, images and redirects, each with why', async () => {
    const result = await checkLinks(
      await email(
        `<a href="${app}/missing">Missing</a> <a href="${app}/track-broken">Track</a> <a href="${app}/loop-a">Loop</a>` +
          ` <img src="${app}/logo.png" alt="Logo"> <img src="cid:nope@example.com" alt="Nope">` +
          ` <a href="${app}/track">Ok after a redirect</a> <a href="${app}/no-head">Only GET</a>`,
      ),
    )
    const by = (url: string) => result.links.find((l) => l.url === url)
    expect(by(`${app}/missing`)).toMatchObject({ outcome: 'broken', status: 404, reason: 'answered 404' })
    expect(by(`${app}/track-broken`)).toMatchObject({
      outcome: 'broken',
      status: 404,
      redirects: [`${app}/gone`],
    })
    expect(by(`${app}/loop-a`)).toMatchObject({ outcome: 'broken', reason: 'a redirect loop' })
    expect(by(`${app}/logo.png`)).toMatchObject({
      element: 'image',
      outcome: 'broken',
      status: 404,
      text: 'Logo',
    })
    expect(by('cid:nope@example.com')).toMatchObject({
      outcome: 'broken',
      reason: 'no attachment has Content-ID <nope@example.com>',
    })
    expect(by(`${app}/track`)).toMatchObject({
      outcome: 'ok',
      status: 200,
      redirects: [`${app}/orders/1842`],
    })
    // A server that refuses HEAD is asked with GET.
    expect(by(`${app}/no-head`)).toMatchObject({ outcome: 'ok', status: 200 })
    expect(requests).toContain('GET /no-head')
  })

  it('requests no host but loopback and the allowed ones, and follows no redirect off them', async () => {
    const before = requests.length
    const result = await checkLinks(
      await email(
        `<a href="https://shop.example.com/x">Shop</a> <a href="${app}/away">Away</a> <a href="mailto:help@example.com">Mail us</a>`,
      ),
    )
    expect(result.links).toEqual([
      {
        url: 'https://shop.example.com/x',
        element: 'link',
        text: 'Shop',
        outcome: 'not-checked',
        reason:
          'shop.example.com is not requested during tests: only loopback and checks.links.allowHosts are',
      },
      {
        url: `${app}/away`,
        element: 'link',
        text: 'Away',
        outcome: 'not-checked',
        status: 302,
        redirects: ['https://tracker.example.net/c?id=1'],
        reason: 'redirects to tracker.example.net, which is not requested during tests',
      },
      {
        url: 'mailto:help@example.com',
        element: 'link',
        text: 'Mail us',
        outcome: 'not-checked',
        reason: 'mailto: is not requested',
      },
    ])
    expect(requests.slice(before)).toEqual(['HEAD /away'])
  })

  it('outside the sandbox, finds http: where https: is required and links to localhost', async () => {
    const result = await checkLinks(
      await email(
        `<a href="http://shop.example.com/x">Shop</a> <a href="http://localhost:3000/verify">Verify</a> <a href="https://127.0.0.1:8443/v">Local</a>`,
      ),
      {},
      { sandbox: false, checks: {} },
    )
    expect(result.links.map((l) => [l.url, l.outcome, l.reason])).toEqual([
      ['http://shop.example.com/x', 'problem', 'http: where https: is required (checks.links.requireHttps)'],
      [
        'http://localhost:3000/verify',
        'problem',
        "points at localhost, which readers of this environment's email cannot reach (checks.links.forbidHosts)",
      ],
      [
        'https://127.0.0.1:8443/v',
        'problem',
        "points at 127.0.0.1, which readers of this environment's email cannot reach (checks.links.forbidHosts)",
      ],
    ])
  })

  it('skips the links it is told to (a one-time token) and gives a broken link at the timeout', async () => {
    const result = await checkLinks(
      await email(`<a href="${app}/verify?token=abc">Verify</a> <a href="${app}/slow">Slow</a>`),
      { skip: [/\/verify\?token=/], timeout: 200 },
    )
    expect(result.links.map((l) => [l.outcome, l.reason])).toEqual([
      ['not-checked', 'skipped (checks.links.skip)'],
      ['broken', `${app}/slow: no answer within 200 ms`],
    ])
    expect(requests).not.toContain('HEAD /verify?token=abc')
  })

  it('takes loopback in every spelling, *.localhost without asking DNS, and a RegExp to skip every time', async () => {
    const { port: p } = new URL(app)
    const result = await checkLinks(
      await email(
        `<a href="http://2130706433:${p}/orders/1842">Decimal</a> <a href="http://app.localhost:${p}/orders/1842">Named</a> <a href="http://[::1]:${p}/orders/1842">Six</a> <a href="${app}/verify?token=1">Verify</a>`,
      ),
      { skip: [/\/verify/g] },
    )
    expect(result.links.map((l) => [l.url, l.outcome])).toEqual([
      [`http://2130706433:${p}/orders/1842`, 'ok'],
      [`http://app.localhost:${p}/orders/1842`, 'ok'],
      [`http://[::1]:${p}/orders/1842`, 'broken'],
      [`${app}/verify?token=1`, 'not-checked'],
    ])
    // A global RegExp keeps no state between links or checks.
    const again = await checkLinks(await email(`<a href="${app}/verify?token=2">Verify</a>`), {
      skip: [/\/verify/g],
    })
    expect(again.links[0]?.outcome).toBe('not-checked')
  })

  it('outside the sandbox, follows no redirect to a forbidden host', async () => {
    const result = await checkLinks(
      await email(`<a href="${app}/to-dev">Track</a>`),
      { forbidHosts: ['*.localhost'] },
      {
        sandbox: false,
        checks: {},
      },
    )
    expect(result.links[0]).toMatchObject({
      outcome: 'problem',
      status: 302,
      reason:
        "redirects to dev.localhost, which readers of this environment's email cannot reach (checks.links.forbidHosts)",
    })
  })

  it('stays bounded on an email of 5,000 links: the first 500 are requested, the rest listed', async () => {
    const body = Array.from({ length: 5000 }, (_, i) => `<a href="${app}/orders/1842?i=${i}">${i}</a>`).join(
      ' ',
    )
    const result = await checkLinks(await email(body), { images: false })
    expect(result.links).toHaveLength(5000)
    expect(result.links.filter((l) => l.outcome === 'ok')).toHaveLength(500)
    expect(result.links.at(-1)).toMatchObject({
      outcome: 'not-checked',
      reason: 'past the first 500 links and images',
    })
  })
})

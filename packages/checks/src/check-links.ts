import { type LookupAddress, lookup } from 'node:dns'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import {
  type CapturedEmail,
  type CheckContext,
  type CheckedLink,
  InvalidArgumentError,
  type LinkCheckOptions,
  type LinkCheckResult,
  scaledTimeout,
} from '@mailwright/core'
import { matchesPattern, wildcard } from '@mailwright/core/internal'
import { Parser } from 'htmlparser2'

// Requests at a time: enough to check a newsletter quickly, few enough not to load the app under test.
const CONCURRENCY = 4
// An email with more links than this is checked on its first ones, and the rest listed as not checked.
const MAX_LINKS = 500
// Outside the sandbox, a link to this machine is one no reader can open (the sandbox's or a dev server's URL).
const DEFAULT_FORBIDDEN = ['localhost', '*.localhost', '127.*', '[::1]', '0.0.0.0']
const NOT_FETCHED = new Set(['mailto:', 'tel:', 'sms:', 'callto:', 'webcal:'])

/**
 * Requests every link and image of an email, on loopback (and `allowHosts`) only: each answers below 400
 * after at most `maxRedirects` redirects, or it is broken. Links elsewhere are listed as not checked and
 * never requested, nor are redirects followed off the allowed hosts. `http:` where `https:` is required
 * and links to forbidden hosts (`localhost` in a staging email) are problems. `cid:` images must name an
 * attachment. Requests are HEAD, then GET when the server refuses HEAD.
 *
 * @example
 * const { links } = await checkLinks(email, { allowHosts: ['staging.example.com'] }, { sandbox: false, checks: {} })
 */
export async function checkLinks(
  email: CapturedEmail,
  options: LinkCheckOptions = {},
  context: CheckContext = { sandbox: true, checks: {} },
): Promise<LinkCheckResult> {
  const requireHttps = options.requireHttps ?? !context.sandbox
  const forbidden = (options.forbidHosts ?? (context.sandbox ? [] : DEFAULT_FORBIDDEN)).map(hostPattern)
  const allowed = (options.allowHosts ?? []).map(hostPattern)
  const timeout = options.timeout ?? scaledTimeout(10_000)
  if (!(timeout > 0))
    throw new InvalidArgumentError('link check timeout', timeout, 'a number of milliseconds above 0')
  const maxRedirects = options.maxRedirects ?? 5
  const targets = collectTargets(email, options.images ?? true)
  const cids = new Set(email.attachments.flatMap((a) => (a.cid ? [a.cid.toLowerCase()] : [])))
  const judge = async (target: Target): Promise<CheckedLink> => {
    const base = { url: target.url, element: target.element, ...(target.text ? { text: target.text } : {}) }
    if (options.skip?.some((p) => matchesPattern(target.url, p)))
      return { ...base, outcome: 'not-checked', reason: 'skipped (checks.links.skip)' }
    let url: URL
    try {
      url = new URL(target.url)
    } catch {
      return { ...base, outcome: 'broken', reason: 'not a valid absolute URL' }
    }
    if (url.protocol === 'cid:') {
      const id = decodeSafely(url.href.slice(4)).toLowerCase()
      return cids.has(id)
        ? { ...base, outcome: 'ok' }
        : { ...base, outcome: 'broken', reason: `no attachment has Content-ID <${id}>` }
    }
    if (url.protocol === 'data:') return { ...base, outcome: 'ok' }
    if (NOT_FETCHED.has(url.protocol))
      return { ...base, outcome: 'not-checked', reason: `${url.protocol} is not requested` }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { ...base, outcome: 'problem', reason: `${url.protocol} links do not open in mail clients` }
    if (forbidden.some((p) => p.test(url.hostname)))
      return {
        ...base,
        outcome: 'problem',
        reason: `points at ${url.hostname}, which readers of this environment's email cannot reach (checks.links.forbidHosts)`,
      }
    if (requireHttps && url.protocol === 'http:' && !isLoopback(url.hostname))
      return {
        ...base,
        outcome: 'problem',
        reason: 'http: where https: is required (checks.links.requireHttps)',
      }
    const fetchable = (u: URL) => isLoopback(u.hostname) || allowed.some((p) => p.test(u.hostname))
    if (!fetchable(url))
      return {
        ...base,
        outcome: 'not-checked',
        reason: `${url.hostname} is not requested during tests: only loopback and checks.links.allowHosts are`,
      }
    return follow(base, url, { fetchable, forbidden, maxRedirects, timeout, requireHttps, allowed })
  }
  const links = await mapLimited(targets.slice(0, MAX_LINKS), CONCURRENCY, judge)
  for (const target of targets.slice(MAX_LINKS))
    links.push({
      url: target.url,
      element: target.element,
      outcome: 'not-checked',
      reason: `past the first ${MAX_LINKS} links and images`,
    })
  return { kind: 'links', links }
}

interface Target {
  url: string
  element: 'link' | 'image'
  text?: string
}

async function follow(
  base: Pick<CheckedLink, 'url' | 'element' | 'text'>,
  start: URL,
  how: {
    fetchable(url: URL): boolean
    forbidden: HostPattern[]
    allowed: HostPattern[]
    maxRedirects: number
    timeout: number
    requireHttps: boolean
  },
): Promise<CheckedLink> {
  const redirects: string[] = []
  const seen = new Set<string>([start.href])
  let url = start
  for (;;) {
    let status: number
    let location: string | null
    try {
      ;({ status, location } = await request(url, how.timeout, how.allowed))
    } catch (error) {
      return {
        ...base,
        outcome: 'broken',
        ...(redirects.length ? { redirects } : {}),
        reason: `${url.href}: ${requestError(error, how.timeout)}`,
      }
    }
    const done = (link: Omit<CheckedLink, 'url' | 'element' | 'text'>): CheckedLink => ({
      ...base,
      ...link,
      status,
      ...(redirects.length ? { redirects } : {}),
    })
    if (status < 300 || status >= 400 || location === null) {
      if (status >= 300 && status < 400)
        return done({ outcome: 'broken', reason: `a ${status} redirect without a Location` })
      return status < 400
        ? done({ outcome: 'ok' })
        : done({ outcome: 'broken', reason: `answered ${status}` })
    }
    let next: URL
    try {
      next = new URL(location, url)
    } catch {
      return done({
        outcome: 'broken',
        reason: `redirects to ${JSON.stringify(location)}, which is not a URL`,
      })
    }
    redirects.push(next.href)
    if (seen.has(next.href)) return done({ outcome: 'broken', reason: 'a redirect loop' })
    if (redirects.length > how.maxRedirects)
      return done({ outcome: 'broken', reason: `more than ${how.maxRedirects} redirects` })
    if (how.requireHttps && next.protocol === 'http:' && !isLoopback(next.hostname))
      return done({
        outcome: 'problem',
        reason: `redirects to http: (${next.href}) where https: is required`,
      })
    if (how.forbidden.some((p) => p.test(next.hostname)))
      return done({
        outcome: 'problem',
        reason: `redirects to ${next.hostname}, which readers of this environment's email cannot reach (checks.links.forbidHosts)`,
      })
    if (!how.fetchable(next))
      return done({
        outcome: 'not-checked',
        reason: `redirects to ${next.hostname}, which is not requested during tests`,
      })
    seen.add(next.href)
    url = next
  }
}

// HEAD first: it asks for no body and, on most servers, changes nothing. GET when HEAD is refused.
async function request(
  url: URL,
  timeout: number,
  allowed: HostPattern[],
): Promise<{ status: number; location: string | null }> {
  let answer = await requestOnce(url, 'HEAD', timeout, allowed)
  if (answer.status === 405 || answer.status === 501) answer = await requestOnce(url, 'GET', timeout, allowed)
  return answer
}

// node:http rather than fetch: no proxy or global dispatcher of the project applies, and the address the
// name resolves to is checked before connecting (a loopback name must resolve to loopback).
function requestOnce(
  url: URL,
  method: 'HEAD' | 'GET',
  timeout: number,
  allowed: HostPattern[],
): Promise<{ status: number; location: string | null }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        timeout,
        agent: false,
        lookup: checkedLookup(allowed.some((p) => p.test(url.hostname))),
        headers: { 'user-agent': 'Mailwright link check (+https://github.com/mailwright/mailwright)' },
      },
      (res) => {
        // Only the status matters: the body is not read.
        res.destroy()
        const location = res.headers.location
        resolve({ status: res.statusCode ?? 0, location: location === undefined ? null : String(location) })
      },
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })))
    req.on('error', reject)
    req.end()
  })
}

/**
 * The resolver the requests use: `*.localhost` is loopback without asking DNS (RFC 6761), and a name that is
 * not an allowed host must resolve to a loopback address, or the request is refused before it connects.
 */
function checkedLookup(allowedHost: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as (error: Error | null, address: string | LookupAddress[], family?: number) => void
    if (hostname.toLowerCase().endsWith('.localhost')) {
      if (options.all) done(null, [{ address: '127.0.0.1', family: 4 }])
      else done(null, '127.0.0.1', 4)
      return
    }
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return done(error, [])
      const usable = allowedHost ? addresses : addresses.filter((a) => isLoopbackAddress(a.address))
      if (usable.length === 0)
        return done(
          Object.assign(
            new Error(
              `${hostname} resolves to ${addresses.map((a) => a.address).join(', ')}, not to this machine`,
            ),
            {
              code: 'ENOTLOOPBACK',
            },
          ),
          [],
        )
      if (options.all) done(null, usable)
      else done(null, (usable[0] as LookupAddress).address, (usable[0] as LookupAddress).family)
    })
  }
}

function requestError(error: unknown, timeout: number): string {
  const e = error as { code?: string; message?: string }
  if (e.code === 'ETIMEDOUT') return `no answer within ${timeout} ms`
  if (e.code === 'ENOTLOOPBACK') return `not requested: ${e.message}`
  return e.code ?? e.message ?? String(error)
}

/** The links (`<a href>`, text URLs) and images (`<img src>`, `srcset`, `background`, CSS `url()`) of an email. */
export function collectTargets(email: CapturedEmail, images: boolean): Target[] {
  const imageUrls = images && email.html ? imagesOf(email.html) : []
  const targets: Target[] = []
  const seen = new Set<string>()
  const add = (url: string, element: Target['element'], text?: string) => {
    const trimmed = url.trim()
    if (!trimmed || trimmed.startsWith('#') || seen.has(`${element} ${trimmed}`)) return
    seen.add(`${element} ${trimmed}`)
    targets.push({ url: trimmed, element, ...(text?.trim() ? { text: text.trim().slice(0, 80) } : {}) })
  }
  const isImage = new Set(imageUrls.map((i) => i.url.trim()))
  for (const link of email.links) {
    // The text mailparser derives from HTML repeats image addresses: those are images, not links.
    if (link.source === 'text' && isImage.has(link.href)) continue
    add(link.href, 'link', link.text)
  }
  for (const image of imageUrls) add(image.url, 'image', image.alt)
  return targets
}

function imagesOf(html: string): Array<{ url: string; alt?: string }> {
  const found: Array<{ url: string; alt?: string }> = []
  let inStyle = false
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'style') inStyle = true
        if (name === 'img' || (name === 'input' && attributes.type?.toLowerCase() === 'image')) {
          if (attributes.src) found.push({ url: attributes.src, alt: attributes.alt })
          for (const candidate of (attributes.srcset ?? '').split(',')) {
            const src = candidate.trim().split(/\s+/)[0]
            if (src) found.push({ url: src, alt: attributes.alt })
          }
        }
        if (attributes.background) found.push({ url: attributes.background })
        if (attributes.style) for (const url of cssUrls(attributes.style)) found.push({ url })
      },
      ontext(text) {
        if (inStyle) for (const url of cssUrls(text)) found.push({ url })
      },
      onclosetag(name) {
        if (name === 'style') inStyle = false
      },
    },
    { decodeEntities: true },
  )
  parser.write(html)
  parser.end()
  return found
}

// `url(…)` in CSS, quoted or not; bounded per match so a hostile stylesheet stays linear.
function cssUrls(css: string): string[] {
  return [...css.matchAll(/url\(\s{0,20}(["']?)([^"')\s]{1,4096})\1\s{0,20}\)/gi)].map((m) => m[2] ?? '')
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  return isLoopbackAddress(host)
}

function isLoopbackAddress(address: string): boolean {
  if (address === '::1') return true
  if (isIP(address) === 4) return address.startsWith('127.')
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1, as URL writes it: ::ffff:7f00:1).
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):[0-9a-f]{1,4})$/i.exec(address)
  if (mapped?.[1]) return mapped[1].startsWith('127.')
  if (mapped?.[2]) return Number.parseInt(mapped[2], 16) >> 8 === 127
  return false
}

type HostPattern = { test(hostname: string): boolean }

/** A host pattern (`staging.example.com`, `*.example.com`, `[::1]`) as a test of a URL's hostname. */
function hostPattern(pattern: string): HostPattern {
  const bare = (host: string) => host.replace(/^\[|\]$/g, '')
  const regex = wildcard(bare(pattern))
  return { test: (hostname) => regex.test(bare(hostname)) }
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

async function mapLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await run(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

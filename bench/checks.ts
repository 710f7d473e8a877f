// What each content check costs per email, against the raw limit of what it does and, for the spam score, the
// two filters side by side, in one run, in alternating rounds:
//
//   pnpm bench:checks            (or node bench/checks.ts after pnpm build; --rounds=N, --emails=N)
//
// - spam: rspamd (/checkv2) against SpamAssassin (spamd, the spamc protocol), each started offline as the
//   matchers start them; the raw limit is the protocol's own round trip with no scan (rspamd /ping, spamd PING).
// - compatibility: caniemail on its worker thread; the raw limit is parsing the same HTML with htmlparser2.
// - links: every link and image requested on loopback; the raw limit is the same HEAD requests, bare.
// - accessibility: axe-core in Chromium; the raw limit is opening the same document in the same page, no axe.
// Checks are called directly (no matcher cache), so every call does the whole work.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  checkAccessibility,
  checkCompatibility,
  checkLinks,
  checkSpam,
  closeCheckBrowser,
  startSpamFilter,
} from '@mailwright/checks'
import { type CapturedEmail, type CheckContext, parseEmail, zoneResolver } from '@mailwright/core'
import { renderEmailHtml } from '@mailwright/core/internal'
import { Parser } from 'htmlparser2'
import { load, median, perRound, rotated } from './servers.ts'

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const ROUNDS = arg('rounds', 5)
const EMAILS = arg('emails', 20)

const server = createServer((_req, res) => res.writeHead(200).end())
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
const app = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const fixtures = [
  'not-spam.eml',
  'spam.eml',
  'accessible-email.eml',
  'inaccessible-email.eml',
  'modern-css.eml',
]
const emails: CapturedEmail[] = await Promise.all(
  Array.from({ length: EMAILS }, (_, i) => {
    const name = fixtures[i % fixtures.length] as string
    const text = readFileSync(new URL(`../packages/checks/test/fixtures/${name}`, import.meta.url), 'utf8')
      .replaceAll('{{app}}', app)
      .replace(/\r?\n/g, '\r\n')
    return parseEmail(Buffer.from(text), {
      id: `${i}`,
      receivedAt: new Date(),
      envelope: { mailFrom: 'no-reply@example.com', rcptTo: ['alice@inbox.test'] },
    })
  }),
)
const dns = zoneResolver({
  'example.com': {
    TXT: ['v=spf1 ip4:198.51.100.20 -all'],
    A: ['198.51.100.20'],
    MX: ['10 mail.example.com'],
  },
  'mail.example.com': { A: ['198.51.100.20'] },
  '20.100.51.198.in-addr.arpa': { PTR: ['mail.example.com'] },
})
const context: CheckContext = {
  sandbox: true,
  checks: {},
  senderIp: '198.51.100.20',
  helo: 'mail.example.com',
  dns,
}

console.log(
  `Content checks: ${EMAILS} emails (${fixtures.length} fixtures, ${app} as the app) × ${ROUNDS} rounds`,
)
const started = performance.now()
const rspamd = await startSpamFilter('rspamd', { dns })
const rspamdReady = performance.now() - started
const spamdStart = performance.now()
const spamd = await startSpamFilter('spamassassin', { dns })
const spamdReady = performance.now() - spamdStart
console.log(
  `started: rspamd in ${(rspamdReady / 1000).toFixed(1)} s, spamd in ${(spamdReady / 1000).toFixed(1)} s`,
)

/** Milliseconds per email of `each` over every email, one after another. */
async function perEmail(each: (email: CapturedEmail) => Promise<unknown>): Promise<number> {
  const t = performance.now()
  for (const email of emails) await each(email)
  return (performance.now() - t) / emails.length
}

const spamdPing = async () => {
  const { spamdRequest } = await import('../packages/checks/src/spamd-request.ts')
  await spamdRequest(spamd.url.replace('spamd://', ''), 'PING', undefined, 10_000)
}
const pngless = (html: string) => {
  const parser = new Parser({})
  parser.write(html)
  parser.end()
}
const headAll = async (email: CapturedEmail) => {
  for (const link of email.links)
    if (link.href.startsWith(app)) await (await fetch(link.href, { method: 'HEAD' })).body?.cancel()
}

// The page helper the accessibility check uses, from source (it is not a public export): its own browser.
const rawPage = import('../packages/checks/src/email-page.ts')

type Contestant = { name: string; group: string; run: () => Promise<number> }
const contestants: Contestant[] = [
  { group: 'spam', name: 'rspamd', run: () => perEmail((e) => checkSpam(e, { url: rspamd.url }, context)) },
  {
    group: 'spam',
    name: 'SpamAssassin',
    run: () => perEmail((e) => checkSpam(e, { checker: 'spamassassin', url: spamd.url }, context)),
  },
  {
    group: 'spam',
    name: 'raw: rspamd /ping',
    run: () => perEmail(async () => (await fetch(`${rspamd.url}/ping`)).text()),
  },
  { group: 'spam', name: 'raw: spamd PING', run: () => perEmail(spamdPing) },
  {
    group: 'compatibility',
    name: 'caniemail (3 client families)',
    run: () => perEmail((e) => checkCompatibility(e, ['gmail', 'outlook-windows', 'apple-mail'])),
  },
  {
    group: 'compatibility',
    name: 'raw: htmlparser2 parse',
    run: () => perEmail(async (e) => pngless(e.html ?? '')),
  },
  { group: 'links', name: 'checkLinks', run: () => perEmail((e) => checkLinks(e, {}, context)) },
  { group: 'links', name: 'raw: the same HEAD requests', run: () => perEmail(headAll) },
  { group: 'accessibility', name: 'axe-core in Chromium', run: () => perEmail((e) => checkAccessibility(e)) },
  {
    group: 'accessibility',
    name: 'raw: open the page, no axe',
    run: async () => {
      const { emailPage } = await rawPage
      return perEmail((e) =>
        emailPage(
          'raw',
          renderEmailHtml(e, { scheme: 'light' }),
          { width: 800, height: 600 },
          30_000,
          async () => 0,
        ),
      )
    },
  },
]

// Warm-up: the first call of each starts a thread, a browser or JIT-compiles the filter's rules.
for (const c of contestants) await c.run()
const samples = new Map<string, number[]>(contestants.map((c) => [c.name, []]))
const loads: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  for (const c of rotated(contestants, round)) {
    loads.push(load())
    samples.get(c.name)?.push(await c.run())
  }
}

const rows: string[] = []
const raw: Record<string, string> = {
  rspamd: 'raw: rspamd /ping',
  SpamAssassin: 'raw: spamd PING',
  'caniemail (3 client families)': 'raw: htmlparser2 parse',
  checkLinks: 'raw: the same HEAD requests',
  'axe-core in Chromium': 'raw: open the page, no axe',
}
for (const c of contestants) {
  const s = samples.get(c.name) as number[]
  const base = raw[c.name]
  const ratio = base ? `${perRound(s, samples.get(base) as number[]).toFixed(1)}×` : ''
  rows.push(
    `| ${c.group} | ${c.name} | ${median(s).toFixed(2)} | ${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)} | ${ratio} |`,
  )
}
console.log('\n| check | contestant | ms per email (median) | spread | vs its raw limit (per round) |')
console.log('|---|---|---:|---|---:|')
console.log(rows.join('\n'))
const sa = samples.get('SpamAssassin') as number[]
const rs = samples.get('rspamd') as number[]
console.log(`\nSpamAssassin / rspamd per email, per round: ${perRound(sa, rs).toFixed(2)}×`)
console.log(
  `start-up: rspamd ${(rspamdReady / 1000).toFixed(1)} s, spamd ${(spamdReady / 1000).toFixed(1)} s (once per run)`,
)
console.log(`load average during the run: median ${median(loads).toFixed(2)} (2 cores)`)

await Promise.all([rspamd.stop(), spamd.stop(), closeCheckBrowser(), (await rawPage).closeCheckBrowser()])
server.close()

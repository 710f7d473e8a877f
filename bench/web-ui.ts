// `pnpm --dir bench bench:ui`: the web UI's weight and its time to first render with 10,000 emails stored,
// side by side with MailDev 3's UI (React, the peer) and with the raw limit (a page of a few lines that
// fetches the same listing from the same server and writes the first rows, no framework), in one run, in
// alternating rounds, in real Chromium. Prints ratios; writes bench/results/web-ui.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism } from 'node:os'
import { gzipSync } from 'node:zlib'
import { CHROMIUM_ARGS, findChromium } from '@mailwright/playwright'
import { type Browser, chromium } from '@playwright/test'
import { freePort, load, median, perRound, type Running, rotated, start, stop } from './servers.ts'
import { blast, makeMessage } from './smtp-blast.ts'

const QUICK = process.argv.includes('--quick')
const ROUNDS = Math.max(3, Number(/--rounds=(\d+)/.exec(process.argv.join(' '))?.[1] ?? (QUICK ? 3 : 5)))
const STORED = QUICK ? 2000 : 10_000
const log = (line = '') => console.log(line)
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const spread = (xs: number[], digits = 0) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`
const loads: number[] = []

// The limit: what any page needs to show the newest emails of this server (the newest 50, as MailDev's UI
// asks), and nothing more.
const rawPage = (api: string) => `<!doctype html><meta charset="utf-8"><title>raw</title><ul id="list"></ul>
<script type="module">
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';')
const { emails } = await (await fetch(${JSON.stringify(`${api}/api/emails?format=summary&order=newest&limit=50`)})).json()
document.getElementById('list').innerHTML = emails.slice(0, 20).map((e) =>
  '<li><b>' + esc(e.from?.address ?? '') + '</b> ' + esc(e.subject) + ' <small>' + esc(e.envelope.rcptTo[0]) + '</small></li>').join('')
</script>`

// The limit of the whole listing: all of it fetched and parsed, the first rows and the count written.
const rawAllPage = (
  api: string,
) => `<!doctype html><meta charset="utf-8"><title>raw, all</title><p id="count"></p><ul id="list"></ul>
<script type="module">
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';')
const { emails } = await (await fetch(${JSON.stringify(`${api}/api/emails?format=summary&order=newest&limit=10000`)})).json()
document.getElementById('list').innerHTML = emails.slice(0, 20).map((e) =>
  '<li><b>' + esc(e.from?.address ?? '') + '</b> ' + esc(e.subject) + ' <small>' + esc(e.envelope.rcptTo[0]) + '</small></li>').join('')
document.getElementById('count').textContent = String(emails.length)
</script>`

interface Contestant {
  name: string
  url: string
  /** Requests that are the UI itself (not its data), for its weight. */
  isAsset: (url: string) => boolean
}

const browser: Browser = await chromium.launch({
  executablePath: findChromium({ playwrightExecutable: safeExecutablePath() }),
  args: CHROMIUM_ARGS,
})
const servers: Running[] = []
const rawServer = createServer()
const cleanup = async () => {
  await browser.close().catch(() => {})
  await Promise.all(servers.map((s) => stop(s)))
  rawServer.close()
}
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)))

try {
  log(
    `Mailwright web UI bench${QUICK ? ' (quick)' : ''}: ${ROUNDS} alternating rounds, ${fmt(STORED)} emails stored, ${availableParallelism()} cores, Node ${process.version}, load ${load().toFixed(2)} at start\n`,
  )
  const rawPort = await freePort()
  await new Promise<void>((resolve) => rawServer.listen(rawPort, '127.0.0.1', resolve))
  const rawOrigin = `http://127.0.0.1:${rawPort}`
  const inbox = await start('inbox', ['--allow-origin', rawOrigin])
  servers.push(inbox)
  const maildev = await start('maildev')
  servers.push(maildev)
  const page = rawPage(inbox.http as string)
  const allPage = rawAllPage(inbox.http as string)
  rawServer.on('request', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(req.url === '/all' ? allPage : page)
  })

  // The same emails into both servers: 40 inboxes (tests), each email with its own subject, then one
  // more after all of them were acknowledged: the newest in both lists, what first render waits for.
  const newestSubject = 'UI bench: the newest email.'
  const hourAgo = new Date(Date.now() - 3_600_000).toUTCString()
  for (const server of [inbox, maildev]) {
    const result = await blast({
      port: server.smtp,
      connections: 1,
      perConnection: STORED - 1,
      message: (seq) => {
        const to = `test-${seq % 40}+bench@inbox.test`
        // Dated an hour ago: MailDev orders by the Date header (to the second), so the newest email is
        // newest there too.
        return {
          to,
          data: Buffer.from(
            makeMessage(to, `UI bench ${seq}.`, 2000)
              .toString()
              .replace(/^Date: .*$/m, `Date: ${hourAgo}`),
          ),
        }
      },
      deadlineMs: 300_000,
    })
    const last = await blast({
      port: server.smtp,
      connections: 1,
      perConnection: 1,
      message: () => ({
        to: 'test-0+bench@inbox.test',
        data: makeMessage('test-0+bench@inbox.test', newestSubject, 2000),
      }),
    })
    if (result.acked !== STORED - 1 || last.acked !== 1)
      throw new Error(`${server.kind} took ${result.acked + last.acked} of ${STORED} emails`)
  }

  const contestants: Contestant[] = [
    {
      name: 'Mailwright web UI',
      url: `${inbox.http}/`,
      isAsset: (url) => url.startsWith(`${inbox.http}/`) && !url.includes('/api/'),
    },
    {
      name: 'MailDev 3.0.0 UI',
      url: `${maildev.http}/`,
      isAsset: (url) => url.startsWith(`${maildev.http}/`) && !url.includes('/api/'),
    },
    { name: 'raw page (the limit)', url: `${rawOrigin}/`, isAsset: (url) => url.startsWith(rawOrigin) },
  ]

  // Weight: every file the page loads that is the UI (not its data), as served and gzipped (-9).
  const weight: Record<string, { files: number; bytes: number; gzip: number }> = {}
  for (const c of contestants) {
    const context = await browser.newContext()
    const tab = await context.newPage()
    const bodies: Array<Promise<Buffer | undefined>> = []
    tab.on('response', (response) => {
      if (c.isAsset(response.url()) && response.status() === 200)
        bodies.push(response.body().catch(() => undefined))
    })
    await tab.goto(c.url, { waitUntil: 'networkidle' })
    const files = (await Promise.all(bodies)).filter((b): b is Buffer => b !== undefined)
    weight[c.name] = {
      files: files.length,
      bytes: files.reduce((n, b) => n + b.length, 0),
      gzip: files.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
    }
    await context.close()
  }

  // One load of a page in a fresh browser context (nothing cached): ms from navigation start to the first
  // animation frame in which `ready` holds, by the page's own clock. (A function with an argument, not a
  // string: the UI's policy forbids evaluating strings, even Playwright's.)
  const timeUntil = async (
    name: string,
    url: string,
    ready: (arg: string) => number | false,
    arg: string,
  ): Promise<number> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const tab = await context.newPage()
    await tab.goto(url, { waitUntil: 'commit' })
    const ms = await tab
      .waitForFunction(ready, arg, { polling: 'raf', timeout: 120_000 })
      .catch(async (error: Error) => {
        const text = await tab.evaluate(() => document.body.textContent ?? '')
        throw new Error(`${name} was never ready at ${url}: ${error.message}\n${text.slice(0, 1500)}`)
      })
    const value = (await ms.jsonValue()) as number
    await context.close()
    return value
  }
  // One unmeasured load each, then ROUNDS rounds in a rotating order.
  const alternate = async <T extends { name: string }>(items: T[], measure: (item: T) => Promise<number>) => {
    for (const item of items) await measure(item)
    const times: Record<string, number[]> = Object.fromEntries(items.map((item) => [item.name, []]))
    for (let round = 0; round < ROUNDS; round++) {
      for (const item of rotated(items, round)) {
        loads.push(load())
        times[item.name]?.push(await measure(item))
      }
    }
    return times
  }

  // First render: the newest email's subject in the page.
  const renders = await alternate(contestants, (c) =>
    timeUntil(
      c.name,
      c.url,
      (subject) => (document.body?.textContent?.includes(subject) ? performance.now() : false),
      newestSubject,
    ),
  )

  // The whole listing: every email's row scrollable (Mailwright: the list's size is all of them), against
  // the raw page that fetches all of them and writes the first rows and the count.
  const whole: Array<{ name: string; url: string; ready: (stored: string) => number | false }> = [
    {
      name: 'Mailwright web UI',
      url: `${inbox.http}/`,
      ready: (stored) =>
        document.querySelector('[role=option]')?.getAttribute('aria-setsize') === stored && performance.now(),
    },
    {
      name: 'raw page, all summaries (the limit)',
      url: `${rawOrigin}/all`,
      ready: (stored) => document.getElementById('count')?.textContent === stored && performance.now(),
    },
  ]
  const listings = await alternate(whole, (c) => timeUntil(c.name, c.url, c.ready, String(STORED)))

  const ui = 'Mailwright web UI'
  const rawName = 'raw page (the limit)'
  log(`### Weight of the UI (every file the page loads, not its data)\n`)
  log('| UI | files | bytes | gzip -9 | vs Mailwright (gzip) |')
  log('|---|---:|---:|---:|---:|')
  for (const c of contestants) {
    const w = weight[c.name] as { files: number; bytes: number; gzip: number }
    log(
      `| ${c.name} | ${w.files} | ${fmt(w.bytes)} | ${fmt(w.gzip)} | ${(w.gzip / (weight[ui]?.gzip as number)).toFixed(2)}× |`,
    )
  }
  log(
    `\n### First render with ${fmt(STORED)} emails stored (ms from navigation to the newest email on screen)\n`,
  )
  log('| page | median ms (spread) | vs raw page (per round) |')
  log('|---|---:|---:|')
  for (const c of contestants) {
    const xs = renders[c.name] as number[]
    log(
      `| ${c.name} | ${fmt(median(xs), 1)} (${spread(xs, 1)}) | ${perRound(xs, renders[rawName] as number[]).toFixed(2)}× |`,
    )
  }
  log(
    `\nMailDev's UI and the raw page ask for the newest 50 emails; Mailwright's UI asks for the newest 100, shows them, then lists all ${fmt(STORED)} (its inboxes, counts and scrolling are built from them): first render is the first of those.`,
  )
  log(`\n### The whole listing of ${fmt(STORED)} emails (ms from navigation until every row is scrollable)\n`)
  log('| page | median ms (spread) | vs raw page (per round) |')
  log('|---|---:|---:|')
  const rawAll = listings['raw page, all summaries (the limit)'] as number[]
  for (const c of whole) {
    const xs = listings[c.name] as number[]
    log(`| ${c.name} | ${fmt(median(xs), 1)} (${spread(xs, 1)}) | ${perRound(xs, rawAll).toFixed(2)}× |`)
  }
  log(
    '\n(MailDev 3.0.0 lists 50 at a time and fetches more as the list scrolls: no whole listing to compare.)',
  )
  log(`Load average before each measurement: median ${median(loads).toFixed(2)} (${spread(loads, 2)}).`)
  mkdirSync(new URL('results/', import.meta.url), { recursive: true })
  writeFileSync(
    new URL('results/web-ui.json', import.meta.url),
    JSON.stringify({ stored: STORED, rounds: ROUNDS, weight, renders, listings, loads }, null, 2),
  )
} finally {
  await cleanup()
}

function safeExecutablePath(): string | undefined {
  try {
    return chromium.executablePath()
  } catch {
    return undefined
  }
}

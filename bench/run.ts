// `pnpm bench`: Mailwright's capture inbox side by side with the raw limit of its stack (an smtp-server that
// only drains DATA) and with MailDev 3 (a third-party capture server, its own process), under identical load
// on loopback, in one run. Every comparison runs in alternating rounds (the order rotates each round), with
// the load average recorded before each measurement; tables show medians over the rounds and the spread
// (lowest–highest). Each server runs with the defaults its users get. Prints ratios and writes
// bench/results/latest.json. Bounded: every load has a message count and a deadline; servers are stopped on
// every way out.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { connectInbox, connectInboxServer, type Inbox, zoneResolver } from '@mailwright/core'
import { startInboxServer } from '@mailwright/inbox-server'
import { connectMailDev } from '@mailwright/testcontainers'
import nodemailer from 'nodemailer'
import {
  cpuMs,
  type Kind,
  load,
  median,
  memory,
  perRound,
  quantiles,
  type Running,
  rotated,
  start,
  stop,
} from './servers.ts'
import { blast, makeMessage } from './smtp-blast.ts'

const here = new URL('.', import.meta.url).pathname
const QUICK = process.argv.includes('--quick')
const ROUNDS = Math.max(3, Number(/--rounds=(\d+)/.exec(process.argv.join(' '))?.[1] ?? (QUICK ? 3 : 5)))
const N4K = QUICK ? 1000 : 4000
const N100K = QUICK ? 200 : 800
const LATENCY_N = QUICK ? 100 : 300
const FIXTURE_N = QUICK ? 200 : 500
const STORM_STORED = QUICK ? 10_000 : 50_000
const STORM_MS = QUICK ? 3000 : 6000
const RSS_N = QUICK ? 10_000 : 50_000
const RSS_ROUNDS = QUICK ? 1 : 3
const MAILDEV_POLL_N = QUICK ? 5 : 10
const MAILDEV_BUSY_N = QUICK ? 30 : 100

const log = (line = '') => console.log(line)
// Every server gets a second after ready before it is measured, so work it does once after start-up
// (Mailwright warms up its parse threads 100 ms after it is ready) is not counted as steady-state cost.
// Start-up is measured on its own below.
const SETTLE_MS = 1000
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const x = (n: number) => `${n.toFixed(2)}×`
const spread = (xs: number[], digits = 0) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`
const loads: Array<{ what: string; load1: number }> = []
const noteLoad = (what: string) => loads.push({ what, load1: load() })
const results: Record<string, unknown> = {
  machine: { cores: availableParallelism(), node: process.version },
  rounds: ROUNDS,
  quick: QUICK,
}
const runStarted = performance.now()
// `--only=ingest,storm` runs some sections: ingest, latency, maildev, fixture, startup, storm, rss.
const ONLY = /--only=([\w,]+)/.exec(process.argv.join(' '))?.[1]?.split(',')
const want = (section: string) => !ONLY || ONLY.includes(section)

log(
  `Mailwright bench${QUICK ? ' (quick)' : ''}: ${ROUNDS} alternating rounds, ${availableParallelism()} cores, Node ${process.version}, load ${load().toFixed(2)} at start\n`,
)

const body4k = makeMessage('x@inbox.test', 'bench 4k', 4500)
const body100k = makeMessage('x@inbox.test', 'bench 100k', 100 * 1024)
const names: Record<string, string> = {
  drain: 'raw smtp-server, drain only (the limit)',
  inbox: 'Mailwright inbox (`mailwright serve`)',
  maildev: 'MailDev 3.0.0',
}
const pooled = (port: number) =>
  nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    pool: true,
    maxConnections: 1,
    maxMessages: Number.POSITIVE_INFINITY,
    ignoreTLS: true,
  })
const mail = (to: string, i: number) => ({
  from: 'lat@example.com',
  to,
  subject: `lat ${i}`,
  text: `latency probe ${i} ${'y'.repeat(3800)}`,
})

// Sequential sends; each sample is send → (the wait resolved). Warm-up samples are dropped.
async function sendAndWait(
  smtpPort: number,
  inbox: Inbox | undefined,
  n: number,
  pool = true,
): Promise<number[]> {
  const transport = pool
    ? pooled(smtpPort)
    : nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true })
  const samples: number[] = []
  for (let i = 0; i < n + 20; i++) {
    const t0 = performance.now()
    const wait = inbox?.waitForEmail({ subject: `lat ${i}` })
    await transport.sendMail(mail(inbox?.address ?? 'x@inbox.test', i))
    await wait
    if (i >= 20) samples.push(performance.now() - t0)
  }
  transport.close()
  return samples
}

if (want('ingest')) {
  // ---------------------------------------------------------------------------------------------- ingest
  const ingestKinds: Kind[] = ['drain', 'inbox', 'maildev']
  const ingest: Record<string, Record<'4KB' | '100KB', number[]>> = {}
  const cpuPerMessage: Record<string, Record<'4KB' | '100KB', number[]>> = {}
  log(
    `Ingest: 8 connections, pipelined raw SMTP client, ${N4K} × 4.5 KB then ${N100K} × 100 KB messages, all kept`,
  )
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of rotated(ingestKinds, round)) {
      noteLoad(`ingest ${kind} round ${round + 1}`)
      const server = await start(kind)
      await settle()
      ingest[kind] ??= { '4KB': [], '100KB': [] }
      for (const [label, data, count] of [
        ['4KB', body4k, N4K],
        ['100KB', body100k, N100K],
      ] as const) {
        await blast({
          port: server.smtp,
          connections: 8,
          perConnection: 25,
          message: () => ({ to: 'warm@inbox.test', data }),
        })
        const cpuBefore = cpuMs(server.proc.pid as number)
        const result = await blast({
          port: server.smtp,
          connections: 8,
          perConnection: count / 8,
          deadlineMs: 120_000,
          message: (seq) => ({ to: `r${seq % 64}@inbox.test`, data }),
        })
        if (result.failed > 0) throw new Error(`${kind} refused ${result.failed} messages`)
        ingest[kind][label].push(result.perSecond)
        // The whole cost, not only the reply path: the server's CPU from the first message until a second
        // after the last (deferred work such as Mailwright's index runs then).
        await settle()
        const cpu = cpuMs(server.proc.pid as number) - cpuBefore
        cpuPerMessage[kind] ??= { '4KB': [], '100KB': [] }
        ;(cpuPerMessage[kind] as Record<'4KB' | '100KB', number[]>)[label].push((cpu * 1000) / count)
      }
      await stop(server)
    }
  }
  results.ingest = ingest
  log('\n| server | 4.5 KB msg/s (spread) | vs drain | 100 KB msg/s (spread) | vs drain |')
  log('|---|---:|---:|---:|---:|')
  const drain = ingest.drain as Record<'4KB' | '100KB', number[]>
  for (const kind of ingestKinds) {
    const r = ingest[kind] as Record<'4KB' | '100KB', number[]>
    log(
      `| ${names[kind]} | ${fmt(median(r['4KB']))} (${spread(r['4KB'])}) | ${x(perRound(r['4KB'], drain['4KB']))} | ${fmt(median(r['100KB']))} (${spread(r['100KB'])}) | ${x(perRound(r['100KB'], drain['100KB']))} |`,
    )
  }
  log(
    '\nServer CPU per message, from the first message to a second after the last (µs, median over rounds):\n',
  )
  log('| server | 4.5 KB | 100 KB |\n|---|---:|---:|')
  for (const kind of ingestKinds) {
    const c = cpuPerMessage[kind] as Record<'4KB' | '100KB', number[]>
    log(`| ${names[kind]} | ${fmt(median(c['4KB']))} | ${fmt(median(c['100KB']))} |`)
  }
  results.cpuPerMessage = cpuPerMessage
  const inboxIngest = ingest.inbox as Record<'4KB' | '100KB', number[]>
  const maildevIngest = ingest.maildev as Record<'4KB' | '100KB', number[]>
  log(
    `\nInbox vs MailDev: ${x(perRound(inboxIngest['4KB'], maildevIngest['4KB']))} at 4.5 KB, ${x(perRound(inboxIngest['100KB'], maildevIngest['100KB']))} at 100 KB (median of per-round ratios)\n`,
  )
}
if (want('latency')) {
  // --------------------------------------------------------------------------------------------- latency
  log(
    `Latency: send (nodemailer, pooled connection) → email in the test's hands, ${LATENCY_N} sequential 4 KB emails per round`,
  )
  const latencyLabels = {
    limit: 'send only, to the drain sink (the limit)',
    inProcess: 'Mailwright, `waitForEmail` in process',
    perConnection: 'Mailwright, in process, a new SMTP connection per email',
    verdicts: 'Mailwright, in process, with SPF/DKIM/DMARC verdicts',
    http: 'Mailwright, `waitForEmail` over HTTP (server in another process)',
  }
  type LatencyKey = keyof typeof latencyLabels
  const latency: Record<string, { p50: number[]; p99: number[] }> = {}
  const record = (key: string, samples: number[]) => {
    const q = quantiles(samples)
    latency[key] ??= { p50: [], p99: [] }
    latency[key].p50.push(q.p50)
    latency[key].p99.push(q.p99)
  }
  const latencyRuns: Record<LatencyKey, () => Promise<void>> = {
    limit: async () => {
      const sink = await start('drain')
      await settle()
      record('limit', await sendAndWait(sink.smtp, undefined, LATENCY_N))
      await stop(sink)
    },
    inProcess: async () => {
      const server = await startInboxServer({ httpPort: false })
      await settle()
      record('inProcess', await sendAndWait(server.smtp.port, server.createInbox(), LATENCY_N))
      await server.stop()
    },
    perConnection: async () => {
      const server = await startInboxServer({ httpPort: false })
      await settle()
      record('perConnection', await sendAndWait(server.smtp.port, server.createInbox(), LATENCY_N, false))
      await server.stop()
    },
    verdicts: async () => {
      // Verdicts on: SPF, DKIM (none here) and DMARC judged against an offline zone before the wait resolves.
      const server = await startInboxServer({
        httpPort: false,
        sendingProfile: {
          ip: '203.0.113.10',
          dns: zoneResolver({
            'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
            '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
          }),
        },
      })
      await settle()
      record('verdicts', await sendAndWait(server.smtp.port, server.createInbox(), LATENCY_N))
      await server.stop()
    },
    http: async () => {
      const remote = await start('inbox')
      await settle()
      record('http', await sendAndWait(remote.smtp, await connectInbox(remote.http as string), LATENCY_N))
      await stop(remote)
    },
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const key of rotated(Object.keys(latencyRuns) as LatencyKey[], round)) {
      noteLoad(`latency ${key} round ${round + 1}`)
      await latencyRuns[key]()
    }
  }
  log('\n| how the test waits | p50 ms (spread) | p99 ms (spread) |')
  log('|---|---:|---:|')
  for (const [key, label] of Object.entries(latencyLabels)) {
    const q = latency[key] as { p50: number[]; p99: number[] }
    log(
      `| ${label} | ${fmt(median(q.p50), 2)} (${spread(q.p50, 2)}) | ${fmt(median(q.p99), 2)} (${spread(q.p99, 2)}) |`,
    )
  }
  // Added latency is taken within each round, against that round's send-only limit.
  const added = (key: LatencyKey) =>
    median((latency[key]?.p50 ?? []).map((v, i) => v - (latency.limit?.p50[i] as number)))
  log(
    `\nAdded by waiting (p50 above the send-only limit, median over rounds): in process ${fmt(added('inProcess'), 2)} ms, over HTTP ${fmt(added('http'), 2)} ms; with verdicts ${fmt(added('verdicts'), 2)} ms`,
  )
  results.latency = latency
}
if (want('maildev')) {
  // The way a MailDev user waits, against Mailwright's adapter on the same MailDev (pushed by socket.io).
  {
    const maildev = await start('maildev')
    await settle()
    const transport = pooled(maildev.smtp)
    const find = async (subject: string) => {
      const res = await fetch(`${maildev.http}/api/email`)
      const list = (await res.json()) as Array<{ subject: string }>
      return list.some((e) => e.subject === subject)
    }
    const peer: Record<string, { p50: number; p99: number; n: number }> = {}
    for (const [label, n, interval] of [
      ['MailDev, REST polled every 500 ms', MAILDEV_POLL_N, 500],
      ['MailDev, REST busy-polled', MAILDEV_BUSY_N, 0],
    ] as const) {
      const samples: number[] = []
      for (let i = 0; i < n; i++) {
        const subject = `lat ${label.length}-${i}`
        const t0 = performance.now()
        const polled = (async () => {
          for (;;) {
            if (await find(subject)) return
            if (interval) await new Promise((r) => setTimeout(r, interval))
          }
        })()
        await transport.sendMail({ ...mail('x@inbox.test', i), subject })
        await polled
        samples.push(performance.now() - t0)
      }
      peer[label] = quantiles(samples)
    }
    transport.close()
    const provider = await connectMailDev(maildev.http as string, {
      smtp: { host: '127.0.0.1', port: maildev.smtp },
    })
    peer['Mailwright adapter on MailDev (socket.io push, then REST)'] = quantiles(
      await sendAndWait(maildev.smtp, await provider.createInbox('lat'), MAILDEV_BUSY_N),
    )
    await provider.close?.()
    await stop(maildev)
    log(
      `\nOn MailDev (one pass, after the rounds):\n\n| how the test waits on MailDev | n | p50 ms | p99 ms |\n|---|---:|---:|---:|`,
    )
    for (const [label, q] of Object.entries(peer))
      log(`| ${label} | ${q.n} | ${fmt(q.p50, 2)} | ${fmt(q.p99, 2)} |`)
    results.maildevLatency = peer
  }
}
if (want('fixture')) {
  // ------------------------------------------------------------------------------------ fixture overhead
  // What the `inbox` fixture does for a test that receives nothing: make the inbox, list what it captured
  // (for the report), dispose. The limit is one HTTP round trip to the same server.
  log(`\nPer-test fixture overhead (create inbox, list its emails, dispose), ${FIXTURE_N} tests per round`)
  const fixture: Record<string, number[]> = { roundTrip: [], inProcess: [], http: [] }
  {
    const remote = await start('inbox')
    await settle()
    const local = await startInboxServer({ httpPort: false })
    const provider = await connectInboxServer(remote.http as string)
    const perTest = async (run: () => Promise<void>) => {
      for (let i = 0; i < 20; i++) await run()
      const t0 = performance.now()
      for (let i = 0; i < FIXTURE_N; i++) await run()
      return (performance.now() - t0) / FIXTURE_N
    }
    const runs: Record<string, () => Promise<void>> = {
      roundTrip: async () => {
        await (await fetch(`${remote.http}/livez`)).arrayBuffer()
      },
      inProcess: async () => {
        const inbox = local.createInbox({ name: 'fixture' })
        await inbox.emails()
        await inbox.dispose()
      },
      http: async () => {
        const inbox = await provider.createInbox('fixture')
        await inbox.emails()
        await inbox.dispose()
      },
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const key of rotated(Object.keys(runs), round)) {
        noteLoad(`fixture ${key} round ${round + 1}`)
        fixture[key]?.push(await perTest(runs[key] as () => Promise<void>))
      }
    }
    await local.stop()
    await stop(remote)
  }
  log('\n| per test | ms (spread) |\n|---|---:|')
  log(
    `| one HTTP round trip (GET /livez, the limit over HTTP) | ${fmt(median(fixture.roundTrip as number[]), 3)} (${spread(fixture.roundTrip as number[], 3)}) |`,
  )
  log(
    `| in process | ${fmt(median(fixture.inProcess as number[]), 3)} (${spread(fixture.inProcess as number[], 3)}) |`,
  )
  log(`| over HTTP | ${fmt(median(fixture.http as number[]), 3)} (${spread(fixture.http as number[], 3)}) |`)
  results.fixture = fixture
}
if (want('startup')) {
  // -------------------------------------------------------------------------------------------- start-up
  log('\nStart-up: process spawn → SMTP accepts connections and the HTTP API answers')
  const startup: Record<string, number[]> = {}
  const startupLabels: Record<string, string> = {
    node: '`node -e 0` (the floor for any Node server)',
    inProcess: '`startInboxServer()` in a new process (Node, import, start)',
    call: '`startInboxServer()` call alone, after import',
    serve: '`mailwright serve`',
    maildev: 'MailDev 3.0.0',
  }
  const startInNewProcess = () =>
    new Promise<{ total: number; call: number }>((resolve, reject) => {
      const t0 = performance.now()
      const child = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const t=performance.now();const {startInboxServer}=await import('@mailwright/inbox-server');const c=performance.now();const s=await startInboxServer();console.log(JSON.stringify({call:performance.now()-c}));await s.stop()",
        ],
        { cwd: here, stdio: ['ignore', 'pipe', 'inherit'] },
      )
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve({ total: performance.now() - t0, call: JSON.parse(out).call })
      })
      child.once(
        'exit',
        (code) => code !== 0 && reject(new Error(`startInboxServer() process exited ${code}`)),
      )
    })
  for (let round = 0; round < ROUNDS * 2; round++) {
    for (const key of rotated(['node', 'inProcess', 'serve', 'maildev'], round)) {
      noteLoad(`start-up ${key} round ${round + 1}`)
      startup[key] ??= []
      if (key === 'node') {
        const t0 = performance.now()
        await new Promise((r) => spawn(process.execPath, ['-e', '0']).once('exit', r))
        startup.node?.push(performance.now() - t0)
      } else if (key === 'inProcess') {
        const { total, call } = await startInNewProcess()
        startup.inProcess?.push(total)
        startup.call ??= []
        startup.call.push(call)
      } else {
        const server: Running = await start(key === 'serve' ? 'inbox' : 'maildev')
        startup[key]?.push(server.readyMs)
        await stop(server)
      }
    }
  }
  log('\n| what | ms, median (spread) |\n|---|---:|')
  for (const [key, label] of Object.entries(startupLabels)) {
    const xs = startup[key] as number[]
    log(`| ${label} | ${fmt(median(xs), 1)} (${spread(xs, 1)}) |`)
  }
  results.startup = startup
}
if (want('storm')) {
  // ------------------------------------------------------------------------------------- listing storm
  // At STORM_STORED emails kept, clients list as fast as they can (a query that matches nothing, a plain
  // listing, a pattern, one inbox) while a probe sends mail; the server's own event-loop delay histogram
  // says how long anything could have been held up.
  log(
    `\nListing storm: ${fmt(STORM_STORED)} emails stored, 4 clients listing for ${STORM_MS / 1000} s, SMTP probe sending`,
  )
  const storm: Record<string, unknown> = {}
  {
    const server = await start('inbox-probe', [String(STORM_STORED)])
    await settle()
    if (process.env.PROBE_FLAGS) server.proc.stdout?.on('data', (d) => process.stderr.write(d))
    await blast({
      port: server.smtp,
      connections: 8,
      perConnection: STORM_STORED / 8,
      deadlineMs: 300_000,
      message: (seq) => ({ to: `s${seq % 200}@inbox.test`, data: body4k }),
    })
    const histogram = async () => {
      const line = new Promise<Record<string, number>>((resolve) => {
        const onData = (d: Buffer) => {
          const match = /^\{"loopMaxMs".*\}$/m.exec(String(d))
          if (match) {
            server.proc.stdout?.off('data', onData)
            resolve(JSON.parse(match[0]))
          }
        }
        server.proc.stdout?.on('data', onData)
      })
      server.proc.kill('SIGUSR2')
      return line
    }
    const probe = async (until: number) => {
      const transport = pooled(server.smtp)
      const samples: number[] = []
      while (performance.now() < until) {
        const t0 = performance.now()
        await transport.sendMail(mail('probe@inbox.test', samples.length))
        samples.push(performance.now() - t0)
      }
      transport.close()
      return quantiles(samples)
    }
    const queries = [
      `query=${encodeURIComponent(JSON.stringify({ subject: 'matches nothing' }))}`,
      '',
      `query=${encodeURIComponent(JSON.stringify({ subject: { regex: '^nothing \\d+$', flags: 'i' } }))}`,
      'address=s7%40inbox.test',
    ]
    const listings: number[] = []
    const stormFor = async (ms: number) => {
      const until = performance.now() + ms
      const clients = queries.map(async (q) => {
        while (performance.now() < until) {
          const t0 = performance.now()
          const res = await fetch(`${server.http}/api/emails?${q}`)
          if (!res.ok) throw new Error(`listing ${q} answered ${res.status}: ${await res.text()}`)
          await res.arrayBuffer()
          listings.push(performance.now() - t0)
        }
      })
      const [smtp] = await Promise.all([probe(until), ...clients])
      return smtp
    }
    noteLoad('storm quiet')
    await histogram()
    const quiet = await probe(performance.now() + 1500)
    const quietLoop = await histogram()
    noteLoad('storm first (index not built)')
    const first = await stormFor(STORM_MS)
    const firstLoop = await histogram()
    noteLoad('storm second')
    const second = await stormFor(STORM_MS)
    const secondLoop = await histogram()
    await stop(server)
    Object.assign(storm, {
      quiet,
      quietLoop,
      first,
      firstLoop,
      second,
      secondLoop,
      listings: quantiles(listings),
    })
    log('\n| phase | event loop max ms | event loop p99 ms | SMTP reply p50 ms | SMTP reply p99 ms |')
    log('|---|---:|---:|---:|---:|')
    for (const [label, loop, smtp] of [
      ['quiet (probe only)', quietLoop, quiet],
      ['storm, right after ingest', firstLoop, first],
      ['storm, again', secondLoop, second],
    ] as const) {
      log(
        `| ${label} | ${fmt(loop.loopMaxMs as number, 1)} | ${fmt(loop.loopP99Ms as number, 1)} | ${fmt(smtp.p50, 2)} | ${fmt(smtp.p99, 2)} |`,
      )
    }
    const q = quantiles(listings)
    log(
      `\nListings answered: ${q.n}, p50 ${fmt(q.p50, 1)} ms, p99 ${fmt(q.p99, 1)} ms (a listing answers up to 1,000 emails)`,
    )
  }
  results.storm = storm
}
if (want('rss')) {
  // ------------------------------------------------------------------------------------------------- RSS
  log(
    `\nMemory: RSS of the server process after ${fmt(RSS_N)} × 4.5 KB messages, defaults (Mailwright keeps 10,000; MailDev keeps all)`,
  )
  const contestants: Record<string, { kind: Kind; env?: Record<string, string>; label: string }> = {
    inbox: { kind: 'inbox', label: 'Mailwright inbox (`mailwright serve`, keeps 10,000)' },
    maildev: { kind: 'maildev', label: 'MailDev 3.0.0 (keeps all)' },
  }
  const rss: Record<string, { idle: number[]; after: number[]; peak: number[] }> = {}
  for (let round = 0; round < RSS_ROUNDS; round++) {
    for (const key of rotated(Object.keys(contestants), round)) {
      const contestant = contestants[key] as { kind: Kind; env?: Record<string, string> }
      noteLoad(`rss ${key} round ${round + 1}`)
      const server = await start(contestant.kind, [], contestant.env)
      await settle()
      const idle = memory(server.proc.pid as number)
      await blast({
        port: server.smtp,
        connections: 8,
        perConnection: RSS_N / 8,
        deadlineMs: 300_000,
        message: (seq) => ({ to: `m${seq % 100}@inbox.test`, data: body4k }),
      })
      // Let deferred work (indexing, garbage collection) settle as it would between test files.
      await new Promise((r) => setTimeout(r, 2000))
      const after = memory(server.proc.pid as number)
      rss[key] ??= { idle: [], after: [], peak: [] }
      rss[key].idle.push(idle.rssMiB)
      rss[key].after.push(after.rssMiB)
      rss[key].peak.push(after.peakMiB)
      await stop(server)
    }
  }
  log('\n| server | idle MiB | after MiB (spread) | peak MiB | after / MailDev |\n|---|---:|---:|---:|---:|')
  const maildevRss = rss.maildev as { after: number[] }
  for (const [key, m] of Object.entries(rss)) {
    // Per round (same machine state), then the median.
    const ratio = x(perRound(m.after, maildevRss.after))
    log(
      `| ${contestants[key]?.label} | ${fmt(median(m.idle), 1)} | ${fmt(median(m.after), 1)} (${spread(m.after, 1)}) | ${fmt(median(m.peak), 1)} | ${ratio} |`,
    )
  }
  results.rss = rss
}
results.load = loads
const loadValues = loads.map((l) => l.load1)
log(
  `\nLoad average (1 min) before each measurement: median ${fmt(median(loadValues), 2)}, ${spread(loadValues, 2)} over ${loads.length} measurements; run took ${fmt((performance.now() - runStarted) / 1000)} s`,
)
mkdirSync(`${here}results`, { recursive: true })
writeFileSync(
  `${here}results/latest.json`,
  `${JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2)}\n`,
)
log('Wrote bench/results/latest.json')

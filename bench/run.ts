// `pnpm bench`: Mailwright's capture inbox side by side with the raw limit of its stack (an smtp-server
// that only drains DATA, and one that also parses every message) and with MailDev 3 (a third-party capture
// server, run as its own process), under identical load on loopback, in one run. Prints ratios and writes
// bench/results/latest.json. Bounded: every load has a message count and a deadline.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connectInbox, type Inbox, zoneResolver } from '@mailwright/core'
import { startInboxServer } from '@mailwright/inbox-server'
import { connectMailDev } from '@mailwright/testcontainers'
import nodemailer from 'nodemailer'
import { type Kind, quantiles, start, stop } from './servers.ts'
import { blast, makeMessage } from './smtp-blast.ts'

const here = new URL('.', import.meta.url).pathname
const QUICK = process.argv.includes('--quick')
const N4K = QUICK ? 1000 : 4000
const N100K = QUICK ? 200 : 800
const LATENCY_N = QUICK ? 200 : 1000
const MAILDEV_POLL_N = QUICK ? 10 : 40
const MAILDEV_BUSY_N = QUICK ? 50 : 200
const RSS_N = QUICK ? 2000 : 10_000

const results: Record<string, unknown> = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
}
const log = (line: string) => console.log(line)

function memory(pid: number): { peakMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { peakMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`

// ---------------------------------------------------------------------------------------------- ingest
log(`Ingest: ${8} connections, pipelined raw SMTP client, ${N4K} × 4 KB and ${N100K} × 100 KB messages\n`)
const ingest: Record<string, Record<string, number>> = {}
const body4k = makeMessage('x@inbox.test', 'bench 4k', 4096)
const body100k = makeMessage('x@inbox.test', 'bench 100k', 100 * 1024)
for (const kind of ['drain', 'parse', 'inbox', 'inbox-verdicts', 'maildev'] as Kind[]) {
  const running = await start(kind)
  ingest[kind] = {}
  for (const [label, data, count] of [
    ['4KB', body4k, N4K],
    ['100KB', body100k, N100K],
  ] as const) {
    await blast({
      port: running.smtp,
      connections: 8,
      perConnection: 25,
      message: () => ({ to: 'warm@inbox.test', data }),
    })
    const result = await blast({
      port: running.smtp,
      connections: 8,
      perConnection: count / 8,
      deadlineMs: 60_000,
      message: (seq) => ({ to: `r${seq % 64}@inbox.test`, data }),
    })
    if (result.failed > 0) throw new Error(`${kind} refused ${result.failed} messages`)
    ingest[kind][label] = result.perSecond
  }
  await stop(running)
}
results.ingest = ingest
const names: Record<Kind, string> = {
  drain: 'raw smtp-server, drain only (the limit)',
  parse: 'raw smtp-server + full mailparser parse',
  inbox: 'Mailwright inbox (mailwright serve)',
  'inbox-verdicts': 'Mailwright inbox, verdicts on (--sender-ip, offline zone)',
  maildev: 'MailDev 3.0.0',
}
log('| server | 4 KB msg/s | vs drain | 100 KB msg/s | vs drain |')
log('|---|---:|---:|---:|---:|')
for (const kind of Object.keys(ingest) as Kind[]) {
  const r = ingest[kind] as Record<string, number>
  log(
    `| ${names[kind]} | ${fmt(r['4KB'] as number)} | ${ratio(r['4KB'] as number, ingest.drain?.['4KB'] as number)} | ${fmt(r['100KB'] as number)} | ${ratio(r['100KB'] as number, ingest.drain?.['100KB'] as number)} |`,
  )
}
log(
  `\nInbox vs MailDev at 4 KB: ${ratio(ingest.inbox?.['4KB'] as number, ingest.maildev?.['4KB'] as number)}, at 100 KB: ${ratio(ingest.inbox?.['100KB'] as number, ingest.maildev?.['100KB'] as number)}`,
)
log(
  `MailDev vs parse-everything sink at 4 KB: ${ratio(ingest.maildev?.['4KB'] as number, ingest.parse?.['4KB'] as number)}\n`,
)

// --------------------------------------------------------------------------------------------- latency
log(`Latency: send (nodemailer, pooled connection) → email in the test's hands, sequential messages\n`)
const latency: Record<string, { p50: number; p99: number; n: number }> = {}
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

{
  const sink = await start('drain')
  const transport = pooled(sink.smtp)
  const samples: number[] = []
  for (let i = 0; i < LATENCY_N + 20; i++) {
    const t0 = performance.now()
    await transport.sendMail(mail('x@inbox.test', i))
    if (i >= 20) samples.push(performance.now() - t0)
  }
  transport.close()
  await stop(sink)
  latency['send only, to the drain sink (the limit)'] = quantiles(samples)
}

async function measureInbox(label: string, inbox: Inbox, smtpPort: number, pool = true, n = LATENCY_N) {
  // Unpooled is nodemailer's default: a new connection (and greeting) for every email, as most apps send.
  const transport = pool
    ? pooled(smtpPort)
    : nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true })
  const samples: number[] = []
  for (let i = 0; i < n + 20; i++) {
    const t0 = performance.now()
    const wait = inbox.waitForEmail({ subject: `lat ${i}` })
    await transport.sendMail(mail(inbox.address, i))
    await wait
    if (i >= 20) samples.push(performance.now() - t0)
  }
  transport.close()
  latency[label] = quantiles(samples)
}

{
  const server = await startInboxServer({ httpPort: false })
  await measureInbox('Mailwright, waitForEmail in process', server.createInbox(), server.smtp.port)
  await measureInbox(
    'Mailwright, in process, a new SMTP connection per email',
    server.createInbox(),
    server.smtp.port,
    false,
  )
  await server.stop()
  // Verdicts on: SPF, DKIM (none here) and DMARC judged against an offline zone before the wait resolves.
  const judged = await startInboxServer({
    httpPort: false,
    sendingProfile: {
      ip: '203.0.113.10',
      dns: zoneResolver({
        'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
        '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
      }),
    },
  })
  await measureInbox(
    'Mailwright, in process, with SPF/DKIM/DMARC verdicts',
    judged.createInbox(),
    judged.smtp.port,
  )
  await judged.stop()
  const remote = await start('inbox')
  await measureInbox(
    'Mailwright, waitForEmail over HTTP (server in another process)',
    await connectInbox(remote.http as string),
    remote.smtp,
  )
  await stop(remote)
}

{
  const maildev = await start('maildev')
  const transport = pooled(maildev.smtp)
  const find = async (subject: string) => {
    const res = await fetch(`${maildev.http}/api/email`)
    const list = (await res.json()) as Array<{ subject: string }>
    return list.some((e) => e.subject === subject)
  }
  for (const [label, n, interval] of [
    ['MailDev, REST polled every 500 ms', MAILDEV_POLL_N, 500],
    ['MailDev, REST busy-polled', MAILDEV_BUSY_N, 0],
  ] as const) {
    const samples: number[] = []
    for (let i = 0; i < n; i++) {
      const subject = `lat ${label.length}-${i}`
      const t0 = performance.now()
      // The poll loop starts with the wait, as a test's wait helper would, then checks every `interval`.
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
    latency[label] = quantiles(samples)
  }
  transport.close()
  // The same MailDev read by @mailwright/testcontainers' adapter: pushed by MailDev's socket.io event.
  const provider = await connectMailDev(maildev.http as string, {
    smtp: { host: '127.0.0.1', port: maildev.smtp },
  })
  await measureInbox(
    'Mailwright adapter on MailDev (socket.io push, then REST)',
    await provider.createInbox('lat'),
    maildev.smtp,
    true,
    MAILDEV_BUSY_N,
  )
  await provider.close?.()
  await stop(maildev)
}
results.latency = latency
log('| how the test waits | n | p50 ms | p99 ms |')
log('|---|---:|---:|---:|')
for (const [label, q] of Object.entries(latency))
  log(`| ${label} | ${q.n} | ${fmt(q.p50, 2)} | ${fmt(q.p99, 2)} |`)
const limit = latency['send only, to the drain sink (the limit)'] as { p50: number }
const inProc = latency['Mailwright, waitForEmail in process'] as { p50: number; p99: number }
const overHttp = latency['Mailwright, waitForEmail over HTTP (server in another process)'] as {
  p50: number
  p99: number
}
log(
  `\nAdded by waiting (p50 above the send-only limit): in process ${fmt(inProc.p50 - limit.p50, 2)} ms, over HTTP ${fmt(overHttp.p50 - limit.p50, 2)} ms`,
)
log(
  `MailDev polled at 500 ms vs Mailwright over HTTP, p50: ${ratio((latency['MailDev, REST polled every 500 ms'] as { p50: number }).p50, overHttp.p50)} slower`,
)
const onMailDev = latency['Mailwright adapter on MailDev (socket.io push, then REST)'] as { p50: number }
log(
  `On the same MailDev, busy-polling vs Mailwright's pushed adapter, p50: ${ratio((latency['MailDev, REST busy-polled'] as { p50: number }).p50, onMailDev.p50)}; polled at 500 ms: ${ratio((latency['MailDev, REST polled every 500 ms'] as { p50: number }).p50, onMailDev.p50)}\n`,
)

// -------------------------------------------------------------------------------------------- start-up
log('Start-up: process spawn → SMTP accepts connections and the HTTP API answers (median of 5)\n')
const startup: Record<string, number> = {}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
{
  const nodeOnly: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    await new Promise((r) => spawn(process.execPath, ['-e', '0']).once('exit', r))
    nodeOnly.push(performance.now() - t0)
  }
  startup['node -e 0 (the limit of any Node server)'] = median(nodeOnly)
  for (const kind of ['inbox', 'maildev'] as Kind[]) {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const running = await start(kind)
      times.push(running.readyMs)
      await stop(running)
    }
    startup[kind === 'inbox' ? 'mailwright serve' : 'MailDev 3.0.0'] = median(times)
  }
  const inProcess: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    const server = await startInboxServer()
    inProcess.push(performance.now() - t0)
    await server.stop()
  }
  startup['startInboxServer() in process (after import)'] = median(inProcess)
}
results.startup = startup
log('| what | ms |')
log('|---|---:|')
for (const [label, ms] of Object.entries(startup)) log(`| ${label} | ${fmt(ms, 1)} |`)

// ------------------------------------------------------------------------------------------------- RSS
log(`\nMemory: peak RSS of the server process after ${RSS_N} × 4 KB messages (all kept)\n`)
const rss: Record<string, { peakMiB: number; rssMiB: number; idleMiB: number }> = {}
for (const kind of ['inbox', 'maildev'] as Kind[]) {
  const running = await start(kind)
  const idle = memory(running.proc.pid as number)
  await blast({
    port: running.smtp,
    connections: 8,
    perConnection: RSS_N / 8,
    deadlineMs: 120_000,
    message: (seq) => ({ to: `m${seq % 100}@inbox.test`, data: body4k }),
  })
  await new Promise((r) => setTimeout(r, 1000))
  rss[kind] = { ...memory(running.proc.pid as number), idleMiB: idle.rssMiB }
  await stop(running)
}
results.rss = rss
log('| server | idle RSS MiB | peak RSS MiB | RSS after MiB |')
log('|---|---:|---:|---:|')
for (const [kind, m] of Object.entries(rss))
  log(`| ${names[kind as Kind]} | ${fmt(m.idleMiB, 1)} | ${fmt(m.peakMiB, 1)} | ${fmt(m.rssMiB, 1)} |`)
log(
  `\nInbox peak RSS / MailDev peak RSS: ${ratio((rss.inbox as { peakMiB: number }).peakMiB, (rss.maildev as { peakMiB: number }).peakMiB)}`,
)

mkdirSync(`${here}results`, { recursive: true })
writeFileSync(
  `${here}results/latest.json`,
  `${JSON.stringify({ date: new Date().toISOString(), quick: QUICK, ...results }, null, 2)}\n`,
)
log(`\nWrote bench/results/latest.json`)

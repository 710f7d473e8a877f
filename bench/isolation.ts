// `pnpm bench:isolation`: does one hostile test stall the others? While one client runs a catastrophic
// pattern against the inbox and another keeps sending a 3.3 MB email with 100,000 links (and asking for it
// parsed), the other tests' send → email-in-hand latency and /livez are measured, in alternating quiet and
// hostile rounds against the same server, and MailDev (the peer) gets the same hostile email. Prints p50/p99
// and the hostile/quiet ratios; the goal is p99 within 2× of the quiet run. Bounded in rounds, samples and time.
import { spawn } from 'node:child_process'
import { connectInbox, type Inbox } from '@mailwright/core'
import { connectMailDev } from '@mailwright/testcontainers'
import nodemailer from 'nodemailer'
import { quantiles, start, stop } from './servers.ts'

const QUICK = process.argv.includes('--quick')
const ROUNDS = QUICK ? 2 : 4
// Each phase samples for this long (the hostile one once the hostile load is under way).
const WINDOW_MS = QUICK ? 8_000 : 20_000
const DEADLINE = Date.now() + (QUICK ? 3 : 8) * 60_000
const log = (line: string) => console.log(line)
const hostileClient = new URL('./hostile-client.ts', import.meta.url).pathname

const hostileSubject = `${'a'.repeat(30)}!`

interface Sample {
  wait: number[]
  livez: number[]
}

// A sample ends when its work does or when the run's time is up (a peer that stops answering must not hold
// the benchmark past its bound): the elapsed time is what a test would have waited.
async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await bounded(run())
  return performance.now() - t0
}

function bounded<T>(work: Promise<T>): Promise<T | undefined> {
  const left = Math.max(1000, DEADLINE + 30_000 - Date.now())
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    work.catch(() => undefined),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, left)
    }),
  ]).finally(() => clearTimeout(timer))
}

// The hostile clients run in their own process (another test's worker), so this process only measures.
async function hostile(url: string, smtpPort: number, kind: 'inbox' | 'maildev') {
  const child = spawn(process.execPath, [hostileClient, url, String(smtpPort), kind, String(DEADLINE)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  // Measure only once the hostile load is under way (its first big email accepted), or from the deadline on:
  // a peer may take minutes to accept the first one.
  await bounded(
    new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('hostile load running')) resolve()
      })
    }),
  )
  return async () => {
    // It may have ended on its own at the deadline already.
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await bounded(exited)
  }
}

// The bystander waits as a Mailwright user would: over the HTTP API, or through the MailDev adapter (pushed).
async function measure(
  url: string,
  smtpPort: number,
  kind: 'inbox' | 'maildev',
  samples: Sample,
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    ignoreTLS: true,
    pool: true,
  })
  const provider =
    kind === 'maildev'
      ? await bounded(connectMailDev(url, { smtp: { host: '127.0.0.1', port: smtpPort } }))
      : undefined
  const inbox = (
    kind === 'maildev'
      ? await bounded(provider?.createInbox('bystander') ?? Promise.resolve(undefined))
      : await connectInbox(url)
  ) as Inbox | undefined
  if (!inbox) {
    log(`${kind}: could not open an inbox before the deadline; no samples this phase`)
    transport.close()
    return
  }
  const health = kind === 'inbox' ? `${url}/livez` : `${url}/healthz`
  const until = Date.now() + WINDOW_MS
  for (let i = 0; Date.now() < until && Date.now() < DEADLINE; i++) {
    samples.livez.push(await timed(async () => (await fetch(health)).arrayBuffer()))
    samples.wait.push(
      await timed(async () => {
        await transport.sendMail({
          from: 'app@example.com',
          to: inbox.address,
          subject: `Verify ${i}`,
          text: `Code ${100000 + i}`,
        })
        await inbox.waitForEmail({ subject: `Verify ${i}` }, { timeout: 60_000 })
      }),
    )
  }
  transport.close()
  await bounded(inbox.dispose())
  await bounded(provider?.close?.() ?? Promise.resolve())
}

const report: Record<string, Record<string, { p50: number; p99: number; n: number }>> = {}
const kinds = process.argv.includes('--only-inbox') ? (['inbox'] as const) : (['inbox', 'maildev'] as const)
for (const kind of kinds) {
  log(`${kind}: measuring…`)
  const server = await start(kind)
  const url = server.http as string
  // The hostile pattern needs an email to backtrack on.
  await nodemailer
    .createTransport({ host: '127.0.0.1', port: server.smtp, ignoreTLS: true })
    .sendMail({ from: 'x@example.com', to: 'victim@inbox.test', subject: hostileSubject, text: 'x' })
  const quiet: Sample = { wait: [], livez: [] }
  const loud: Sample = { wait: [], livez: [] }
  try {
    for (let round = 0; round < ROUNDS && Date.now() < DEADLINE; round++) {
      await measure(url, server.smtp, kind, quiet)
      const stopHostile = await hostile(url, server.smtp, kind)
      await measure(url, server.smtp, kind, loud)
      await stopHostile()
    }
  } finally {
    await stop(server)
  }
  report[kind] = {
    'wait quiet': quantiles(quiet.wait),
    'wait hostile': quantiles(loud.wait),
    'livez quiet': quantiles(quiet.livez),
    'livez hostile': quantiles(loud.livez),
  }
}

// A phase without samples (a peer that never answered) shows as a dash.
const f = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(1))
log(`Isolation (${ROUNDS} alternating quiet/hostile rounds, ${WINDOW_MS / 1000} s of samples each; ms)\n`)
log('| server | measure | quiet p50 | quiet p99 | hostile p50 | hostile p99 | p99 hostile/quiet |')
log('|---|---|---:|---:|---:|---:|---:|')
const names = { inbox: 'Mailwright (mailwright serve)', maildev: 'MailDev 3.0.0 (peer; hostile email only)' }
for (const [kind, rows] of Object.entries(report)) {
  for (const what of ['wait', 'livez'] as const) {
    const q = rows[`${what} quiet`] as { p50: number; p99: number }
    const h = rows[`${what} hostile`] as { p50: number; p99: number }
    const label =
      what === 'wait' ? "another test's send → email in hand" : kind === 'inbox' ? '/livez' : '/healthz'
    log(
      `| ${names[kind as 'inbox' | 'maildev']} | ${label} | ${f(q.p50)} | ${f(q.p99)} | ${f(h.p50)} | ${f(h.p99)} | ${h.p99 === undefined || q.p99 === undefined ? '–' : `${(h.p99 / q.p99).toFixed(2)}×`} |`,
    )
  }
}
log('\nGoal: p99 hostile/quiet within 2× for Mailwright.')
// Whatever a stuck peer left open, the run ends here.
process.exit(0)

// The servers every benchmark starts (each its own process, started the way its users start it, with its
// defaults, ready when a test run could use it), the clean-up that stops them on every way out, and the
// statistics the benchmarks print.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { loadavg } from 'node:os'
import { scaledTimeout } from '@mailwright/core'

const here = new URL('.', import.meta.url).pathname
const maildevBin = new URL('./node_modules/maildev/dist/bin/maildev.js', import.meta.url).pathname
// The installed `mailwright` command, as `npx mailwright serve` runs it.
const cliBin = new URL('./node_modules/.bin/mailwright', import.meta.url).pathname

export type Kind = 'drain' | 'inbox' | 'inbox-probe' | 'maildev'
export interface Running {
  kind: Kind
  proc: ChildProcess
  smtp: number
  http?: string
  readyMs: number
}

// Everything started and not yet stopped: killed on every way out, a failed run included.
const running = new Set<ChildProcess>()
const killAll = () => {
  for (const proc of running) proc.kill('SIGKILL')
}
process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })
}
process.on('uncaughtException', (error) => {
  killAll()
  console.error(error)
  process.exit(1)
})
process.on('unhandledRejection', (error) => {
  killAll()
  console.error(error)
  process.exit(1)
})

/** How long a server may take to become ready: 30 s, stretched by MAILWRIGHT_TIME_SCALE on a busy machine. */
export const READY_MS = scaledTimeout(30_000)

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  await new Promise((r) => server.close(r))
  return port
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url)
    await res.arrayBuffer()
    return res.ok
  } catch {
    return false
  }
}

// Ready means what a test run needs: the SMTP port accepts connections and the HTTP API answers.
export async function start(
  kind: Kind,
  extraArgs: string[] = [],
  env?: Record<string, string>,
): Promise<Running> {
  const t0 = performance.now()
  let proc: ChildProcess
  let smtp: number
  let http: string | undefined
  const spawned = (command: string, args: string[], extraEnv?: Record<string, string>) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: extraEnv ? { ...process.env, ...extraEnv } : process.env,
    })
    running.add(child)
    child.once('exit', () => running.delete(child))
    return child
  }
  if (kind === 'maildev') {
    smtp = await freePort()
    const web = await freePort()
    http = `http://127.0.0.1:${web}`
    // MailDev's defaults (in-memory store, no limit on emails), on loopback ports.
    proc = spawned(process.execPath, [
      maildevBin,
      '--smtp',
      String(smtp),
      '--web',
      String(web),
      '--ip',
      '127.0.0.1',
      '--web-ip',
      '127.0.0.1',
      ...extraArgs,
    ])
  } else if (kind === 'inbox') {
    proc = spawned(cliBin, ['serve', '--smtp-port', '0', '--http-port', '0', ...extraArgs], env)
    const out = await firstMatch(proc, /SMTP {2}127\.0\.0\.1:(\d+)[\s\S]*HTTP API {2}(\S+)\/api /)
    smtp = Number(out[1])
    http = out[2]
  } else if (kind === 'inbox-probe') {
    proc = spawned(process.execPath, [
      ...(process.env.PROBE_FLAGS?.split(' ') ?? []),
      `${here}servers/inbox.ts`,
      ...extraArgs,
    ])
    const ready = JSON.parse((await firstMatch(proc, /^\{.*\}$/m))[0]) as { smtp: number; http: string }
    smtp = ready.smtp
    http = ready.http
  } else {
    proc = spawned(process.execPath, [`${here}servers/sink.ts`, kind])
    smtp = (JSON.parse((await firstMatch(proc, /^\{.*\}$/m))[0]) as { smtp: number }).smtp
  }
  for (;;) {
    const ready =
      (await canConnect(smtp)) &&
      (http === undefined || (await httpOk(kind === 'maildev' ? `${http}/api/email` : `${http}/readyz`)))
    if (ready) break
    if (performance.now() - t0 > READY_MS) {
      throw new Error(
        `${kind} did not become ready within ${READY_MS} ms (MAILWRIGHT_TIME_SCALE stretches it)`,
      )
    }
    await new Promise((r) => setTimeout(r, 2))
  }
  return { kind, proc, smtp, http, readyMs: performance.now() - t0 }
}

function firstMatch(proc: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (d: Buffer) => {
      out += d
      const m = out.match(pattern)
      if (m) {
        proc.stdout?.off('data', onData)
        resolve(m)
      }
    }
    proc.stdout?.on('data', onData)
    proc.stderr?.on('data', (d) => (out += d))
    proc.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready:\n${out}`)))
  })
}

export async function stop(server: Running): Promise<void> {
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) return
  const exited = new Promise((r) => server.proc.once('exit', r))
  server.proc.kill('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
  server.proc.kill('SIGKILL')
}

/** Resident and peak memory of a process, from /proc. */
export function memory(pid: number): { peakMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { peakMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 }
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (10 ms ticks). */
export function cpuMs(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] as string).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

export function quantiles(samples: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
  return { p50: at(0.5), p99: at(0.99), n: sorted.length }
}

/** Round r measures the contestants in a rotated order, so none is always first (or always after another). */
export const rotated = <T>(items: T[], round: number) =>
  items.map((_, i) => items[(i + round) % items.length] as T)

/** A ratio taken within each round (same machine state), then the median over rounds. */
export const perRound = (a: number[], b: number[]) => median(a.map((v, i) => v / (b[i] as number)))

export const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length / 2
  return sorted.length % 2
    ? (sorted[Math.floor(mid)] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** The one-minute load average right now (not divided by the cores): what else the machine was doing. */
export const load = () => loadavg()[0] as number

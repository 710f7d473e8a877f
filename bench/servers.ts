// The servers every benchmark starts (each its own process, ready when a test run could use it) and the
// statistics they print.
import { type ChildProcess, spawn } from 'node:child_process'
import { connect, createServer } from 'node:net'

const here = new URL('.', import.meta.url).pathname
const maildevBin = new URL('./node_modules/maildev/dist/bin/maildev.js', import.meta.url).pathname
const cliBin = new URL('../packages/cli/dist/bin.js', import.meta.url).pathname

export type Kind = 'drain' | 'parse' | 'inbox' | 'inbox-verdicts' | 'maildev'
export interface Running {
  kind: Kind
  proc: ChildProcess
  smtp: number
  http?: string
  readyMs: number
}

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
export async function start(kind: Kind): Promise<Running> {
  const t0 = performance.now()
  let proc: ChildProcess
  let smtp: number
  let http: string | undefined
  if (kind === 'maildev') {
    smtp = await freePort()
    const web = await freePort()
    http = `http://127.0.0.1:${web}`
    proc = spawn(
      process.execPath,
      [
        maildevBin,
        '--smtp',
        String(smtp),
        '--web',
        String(web),
        '--ip',
        '127.0.0.1',
        '--web-ip',
        '127.0.0.1',
        '--max-emails',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
  } else if (kind === 'inbox' || kind === 'inbox-verdicts') {
    // Verdicts on: the same server told the production IP and an offline zone for the bench's sender.
    const verdicts =
      kind === 'inbox-verdicts' ? ['--sender-ip', '203.0.113.10', '--dns', `${here}servers/bench.zone`] : []
    proc = spawn(
      process.execPath,
      [cliBin, 'serve', '--smtp-port', '0', '--http-port', '0', '--max-emails', '20000', ...verdicts],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const out = await firstMatch(proc, /SMTP {2}127\.0\.0\.1:(\d+)[\s\S]*HTTP {2}(\S+)/)
    smtp = Number(out[1])
    http = out[2]
  } else {
    proc = spawn(process.execPath, [`${here}servers/sink.ts`, kind], { stdio: ['ignore', 'pipe', 'pipe'] })
    smtp = (JSON.parse((await firstMatch(proc, /^\{.*\}$/m))[0]) as { smtp: number }).smtp
  }
  for (;;) {
    const ready =
      (await canConnect(smtp)) &&
      (http === undefined || (await httpOk(kind === 'maildev' ? `${http}/api/email` : `${http}/readyz`)))
    if (ready) break
    if (performance.now() - t0 > 20_000) throw new Error(`${kind} did not become ready within 20 s`)
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

export async function stop(running: Running): Promise<void> {
  const exited = new Promise((r) => running.proc.once('exit', r))
  running.proc.kill('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
  running.proc.kill('SIGKILL')
}

export function quantiles(samples: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
  return { p50: at(0.5), p99: at(0.99), n: sorted.length }
}

import { type ChildProcess, spawn } from 'node:child_process'
import { scaledTimeout } from './time-scale.js'

/** A program Mailwright started (a spam filter, a database), that stops with the process that started it. */
export interface StartedDaemon {
  /** The last lines the program wrote, for errors. */
  output(): string
  /** Resolves when the program has exited (however it ended). */
  readonly exited: Promise<number | null>
  stop(): Promise<void>
}

/** What {@link startDaemon} starts and how it knows the program is ready. */
export interface StartDaemonOptions {
  /** The program's name for messages: `rspamd`, `SpamAssassin`, `PostgreSQL`. */
  name: string
  command: string
  args: string[]
  /** The error to throw when it cannot start (a check's CheckError, say), from its message. */
  error(message: string, options?: ErrorOptions): Error
  /** Run the program as this user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number }
  /** What to install when the command is missing. */
  install: string
  /** The other way out when it is missing, e.g. `turn the check off`. */
  orElse?: string
  /** Resolves true once the program answers; asked again until it does or the time is up. */
  ready(): Promise<boolean>
  /** How long the program may take to become ready, in ms, before the time scale. */
  startTimeout: number
  env?: NodeJS.ProcessEnv
  /** A directory of the program's own (its config, its database), removed once it has stopped. */
  files?: string
}

// The program runs under a small watchdog that holds a pipe from this process: when this process ends in any
// way (even SIGKILL), the pipe closes and the watchdog stops the program. Nothing is left running.
const WATCHDOG = `
const { spawn } = require('node:child_process')
const { command, args, files, user } = JSON.parse(process.argv[1])
// The program's files go when it has stopped, however the process that started it ended (even SIGKILL).
const removeFiles = () => { if (files) try { require('node:fs').rmSync(files, { recursive: true, force: true }) } catch {} }
// Its own process group: the program's helpers (rspamd forks several) go with it, even when it was killed.
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true, ...(user ?? {}) })
const group = (signal) => { try { process.kill(-child.pid, signal) } catch {} }
child.on('error', (e) => { process.stderr.write('cannot start ' + command + ': ' + e.message + '\\n'); process.exit(127) })
child.on('exit', (code, signal) => { group('SIGKILL'); removeFiles(); process.exit(code ?? (signal ? 128 : 1)) })
const stop = () => { group('SIGTERM'); setTimeout(() => group('SIGKILL'), 3000).unref() }
process.stdin.on('end', stop); process.stdin.on('error', stop); process.stdin.resume()
process.on('SIGTERM', stop); process.on('SIGINT', stop)
`
const OUTPUT_LINES = 40

/**
 * Starts a program (rspamd, spamd, postgres) on loopback under a watchdog, and waits until it answers.
 * Fails with `options.error` naming the program, what it printed and what to install when it cannot start
 * or does not become ready in time.
 *
 * @example
 * const daemon = await startDaemon({ name: 'rspamd', command: 'rspamd', args, install: 'apt-get install rspamd', ready, startTimeout: 60_000, error: (m) => new Error(m) })
 */
export async function startDaemon(options: StartDaemonOptions): Promise<StartedDaemon> {
  const lines: string[] = []
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      WATCHDOG,
      JSON.stringify({
        command: options.command,
        args: options.args,
        files: options.files,
        user: options.user,
      }),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env },
  )
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    if (lines.length > OUTPUT_LINES) lines.splice(0, lines.length - OUTPUT_LINES)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
  let gone = false
  void exited.then(() => {
    gone = true
  })
  // The parent's event loop must not wait for the program: the pipe is what ties them.
  child.unref()
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as { unref?(): void } | null)?.unref?.()
  const output = () => lines.join('\n')
  const stop = async () => {
    if (gone) return
    // Waiting for the exit must hold the event loop, which the program otherwise never does.
    child.ref()
    child.stdin?.end()
    await exited
  }
  const deadline = Date.now() + scaledTimeout(options.startTimeout)
  for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
    if (gone) {
      const code = await exited
      if (code === 127)
        throw options.error(
          `${options.name} could not be started: \`${options.command}\` is not installed. Install it (${options.install})${options.orElse ? `, or ${options.orElse}` : ''}.`,
          // The code says "missing" to a caller that may go on without it (a global setup).
          { cause: Object.assign(new Error(`${options.command}: not found`), { code: 'ENOENT' }) },
        )
      throw options.error(
        `${options.name} exited (code ${code}) while starting. What it printed:\n${indent(output())}`,
      )
    }
    if (await options.ready().catch(() => false)) break
    if (Date.now() > deadline) {
      await stop()
      throw options.error(
        `${options.name} did not answer within ${scaledTimeout(options.startTimeout)} ms of starting. What it printed:\n${indent(output())}\nOn a slow machine, raise MAILWRIGHT_TIME_SCALE.`,
      )
    }
    await new Promise((done) => setTimeout(done, pause))
  }
  return { output, exited, stop }
}

function indent(text: string): string {
  return (text || '(nothing)')
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')
}

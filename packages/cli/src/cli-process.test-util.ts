import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url))

/** The built `mailwright` binary started as a user would, its output collected. */
export function startCli(args: string[]): {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
} {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

/** Waits for the CLI's output to match. */
export async function untilOutput(
  check: () => RegExpMatchArray | null,
  ms = 10_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms
  for (;;) {
    const match = check()
    if (match) return match
    if (Date.now() > deadline) throw new Error('timed out waiting for CLI output')
    await new Promise((r) => setTimeout(r, 20))
  }
}

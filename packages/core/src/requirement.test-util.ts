import { spawnSync } from 'node:child_process'
import { describe, it } from 'vitest'

/** Something a test needs from the machine (a tool, an image), and how to get it. */
export interface Requirement {
  available: boolean
  /** What is missing, e.g. `swaks is not installed`. */
  missing: string
  /** How to get it, e.g. `apt-get install swaks`. */
  install: string
}

/** Whether `command` runs here (its `--version`, or the given arguments, exit 0). */
export function canRun(command: string, args: string[] = ['--version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0
}

/** A requirement on a Docker image the tests start (built offline by scripts/build-images.sh). */
export function dockerImage(image: string): Requirement {
  return {
    available: canRun('docker', ['image', 'inspect', image]),
    missing: `no Docker engine with the image ${image}`,
    install: 'start a Docker engine and run scripts/build-images.sh',
  }
}

// Locally a missing tool skips, and the skipped test's name says what was missing and how to get it; under
// CI=true nothing skips, so a missing tool is a failure (.ci/run installs them all).
const skipping = (req: Requirement) => !req.available && !process.env.CI
const because = (req: Requirement) => `(skipped: ${req.missing}; ${req.install})`

/** The name a suite or test gets: its own, plus why it is skipped when a requirement is missing outside CI. */
export function nameWith(name: string, requirements: Requirement[]): string {
  const missing = requirements.filter(skipping)
  return missing.length > 0 ? `${name} ${missing.map(because).join(' ')}` : name
}

/**
 * `describe` that skips when a requirement is missing, outside CI, with the reason in the suite's name.
 *
 * @example
 * describeWith({ available: canRun('swaks'), missing: 'swaks is not installed', install: 'apt-get install swaks' })('swaks', () => { … })
 */
export function describeWith(...requirements: Requirement[]) {
  const missing = requirements.filter(skipping)
  return (name: string, body: () => void) =>
    missing.length > 0
      ? describe.skip(`${name} ${missing.map(because).join(' ')}`, body)
      : describe(name, body)
}

/** `it` that skips when a requirement is missing, outside CI, with the reason in the test's name. */
export function itWith(...requirements: Requirement[]) {
  const missing = requirements.filter(skipping)
  return (name: string, body: () => Promise<void> | void, timeout?: number) =>
    missing.length > 0
      ? it.skip(`${name} ${missing.map(because).join(' ')}`, body, timeout)
      : it(name, body, timeout)
}

import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const script = fileURLToPath(new URL('../../../scripts/demo-staging.ts', import.meta.url))

describe('pnpm demo:staging', () => {
  it('runs the Vitest and Playwright examples under MAILWRIGHT_ENV=staging against the Office 365 emulator', async () => {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      let output = ''
      const child = execFile(process.execPath, [script], {
        env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '0', MAILWRIGHT_ENV: '' },
      })
      child.stdout?.on('data', (d) => {
        output += d
      })
      child.stderr?.on('data', (d) => {
        output += d
      })
      child.on('exit', (code) => resolve({ code, output }))
    })
    expect(code, output).toBe(0)
    const tests = /Tests\s+(\d+) passed \((\d+)\)/.exec(output)
    expect(tests?.[1], output).toBe(tests?.[2])
    expect(Number(tests?.[1])).toBeGreaterThanOrEqual(60)
    // Playwright's list reporter: "70 passed (9.4s)", and nothing failed or flaky.
    expect(Number(/^\s*(\d+) passed \(\d/m.exec(output)?.[1]), output).toBeGreaterThanOrEqual(70)
    expect(output).not.toMatch(/^\s*\d+ (failed|flaky)$/m)
    // The app really submitted to the emulated Office 365, and the tests read its mailbox.
    const counts = /accepted (\d+) submissions and holds (\d+) messages for qa@contoso\.test/.exec(output)
    expect(Number(counts?.[1])).toBeGreaterThanOrEqual(100)
    expect(Number(counts?.[2])).toBeGreaterThanOrEqual(100)
    expect(output).not.toContain('demo-client-secret')
  }, 180_000)
})

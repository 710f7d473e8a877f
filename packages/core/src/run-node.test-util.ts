// Every package's tests run nested projects and the CLI through this one helper.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Vitest's own command line, for running a user's project from a test. */
export const VITEST_CLI = fileURLToPath(new URL('vitest.mjs', import.meta.resolve('vitest/package.json')))

/**
 * Runs a Node script (Vitest, the mailwright CLI) as a separate process the way a user would, with the
 * outer run's Mailwright, SMTP and Vitest variables taken out (a nested run must not inherit them).
 */
export function runNode(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = ''
    const child = execFile(process.execPath, [file, ...args], {
      cwd,
      env: {
        ...process.env,
        CI: '',
        NO_COLOR: '1',
        FORCE_COLOR: '0',
        MAILWRIGHT_ENV: '',
        MAILWRIGHT_INBOX_URL: '',
        MAILWRIGHT_REPORT: '',
        MAILWRIGHT_RECORD: '',
        SMTP_HOST: '',
        SMTP_PORT: '',
        VITEST: '',
        VITEST_POOL_ID: '',
        VITEST_WORKER_ID: '',
        ...env,
      },
    })
    child.stdout?.on('data', (d) => {
      output += d
    })
    child.stderr?.on('data', (d) => {
      output += d
    })
    child.on('exit', (code) => resolve({ code, output }))
  })
}

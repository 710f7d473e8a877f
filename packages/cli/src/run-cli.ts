import { existsSync, writeFileSync } from 'node:fs'
import { MailwrightError } from '@mailwright/core'
import { cliVersion } from './cli-version.js'
import { UsageError } from './usage-error.js'

const HELP = `Usage: mailwright <command> [options]

Commands:
  init      set up Mailwright in a Playwright or Vitest project (config, fixtures, an example test)
  serve     start the capture inbox (SMTP + HTTP API)
  headers   analyse an email's headers: hops, authentication results, sender identities
  smtp-test check an SMTP submission endpoint step by step (TLS, AUTH, a test message)
  office365-emulator
            run the offline Office 365 stand-in (submission, MX, token endpoint, Graph)
  gate      check the email reports of a run against a release policy (exit 0 / 1)

Run \`mailwright <command> --help\` for a command's options; \`mailwright --version\` prints the version.
`

/**
 * Runs the `mailwright` command line and returns the exit code (long-running commands resolve once
 * started; the process lives on until they are stopped).
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2))
 */
export async function runCli(argv: string[]): Promise<number> {
  // Each command loads its own modules when it runs: `serve` does not pay for the emulator, the report
  // renderers or nodemailer (start-up is measured in bench/).
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      console.log(HELP)
      return command === undefined ? 2 : 0
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      console.log(cliVersion())
      return 0
    }
    if (command === 'init') {
      const { initCommand } = await import('./init-command.js')
      return await initCommand(rest, { out: (line) => console.log(line) })
    }
    if (command === 'gate') {
      const { gateCommand } = await import('./gate-command.js')
      return await gateCommand(rest, {
        out: (line) => console.log(line),
        exists: existsSync,
        writeFile: (file, text) => writeFileSync(file, text),
        env: process.env,
      })
    }
    if (command === 'headers') {
      const { headersCommand } = await import('./headers-command.js')
      return await headersCommand(rest, { out: (line) => console.log(line), stdin: process.stdin })
    }
    if (command === 'smtp-test') {
      const { smtpTestCommand } = await import('./smtp-test-command.js')
      return await smtpTestCommand(rest, { out: (line) => console.log(line), env: process.env })
    }
    if (command === 'office365-emulator') {
      const { office365EmulatorCommand } = await import('./office365-emulator-command.js')
      await office365EmulatorCommand(rest, { out: (line) => console.log(line) })
      return 0
    }
    if (command === 'serve') {
      const { serveCommand } = await import('./serve-command.js')
      await serveCommand(rest, { out: (line) => console.log(line) })
      return 0
    }
    throw new UsageError(
      `mailwright: unknown command ${JSON.stringify(command)}. Commands: init, serve, headers, smtp-test, office365-emulator, gate. Run \`mailwright --help\`.`,
    )
  } catch (error) {
    // On the command line the command names whose error it is; the help or the docs say more.
    if (error instanceof UsageError) {
      console.error(error.detail)
      return 2
    }
    if (error instanceof MailwrightError) {
      console.error(`mailwright ${command}: ${error.detail}\nRead more: ${error.docs}`)
      return 1
    }
    throw error
  }
}

import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'
import { UsageError } from './usage-error.js'

/**
 * A command's flags, strictly (no positionals, no unknown flags), or a UsageError that names the command,
 * says what was wrong and points at its --help.
 *
 * @example
 * const values = parseCommandArgs('mailwright serve', argv, { 'smtp-port': { type: 'string' } })
 */
export function parseCommandArgs<O extends ParseArgsOptionsConfig>(
  command: string,
  argv: string[],
  options: O,
) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values
  } catch (error) {
    throw new UsageError(
      `${command}: ${(error as Error).message}. Run \`${command} --help\` for the options.`,
    )
  }
}

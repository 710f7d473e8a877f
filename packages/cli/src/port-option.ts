import { UsageError } from './usage-error.js'

/**
 * A port flag's value: 0 to 65535 (0 = any free port), the fallback when absent, or a UsageError naming
 * the command, the flag and the value.
 *
 * @example
 * const smtpPort = portOption('mailwright serve', '--smtp-port', values['smtp-port'], 1025)
 */
export function portOption(
  command: string,
  flag: string,
  text: string | undefined,
  fallback: number,
): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!/^\d+$/.test(text) || n > 65535)
    throw new UsageError(
      `${command}: ${flag} ${JSON.stringify(text)} is not a port; use 0 to 65535 (0 = any free port).`,
    )
  return n
}

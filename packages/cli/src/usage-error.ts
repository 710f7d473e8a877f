import { MailwrightError } from '@mailwright/core'

/**
 * A command line the CLI cannot run: the message names the flag, the value and the fix; exit code 2.
 *
 * @example
 * throw new UsageError('mailwright serve: --smtp-port "x" is not a port; use 0 to 65535.')
 */
export class UsageError extends MailwrightError {
  constructor(message: string) {
    super('USAGE', message)
  }
}

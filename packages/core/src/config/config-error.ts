import { MailwrightError } from '../mailwright-error.js'

/**
 * mailwright.config.ts (or the environment it reads) is not usable: names the key, what is wrong with its
 * value, and the fix (`mailwright.config: <key> <problem>. <fix>`).
 *
 * @example
 * throw new ConfigError('environments.staging.inbox.mailbox', 'is missing', 'Give the test mailbox, e.g. qa@contoso.com.')
 */
export class ConfigError extends MailwrightError {
  readonly key: string

  constructor(key: string, problem: string, fix: string) {
    super('CONFIG', `mailwright.config: ${key} ${problem}. ${fix}`)
    this.key = key
  }
}

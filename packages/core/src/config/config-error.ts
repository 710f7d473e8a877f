import { MailwrightError } from '../mailwright-error.js'

/**
 * mailwright.config.ts (or the environment it reads) is not usable: names the key, the value and the fix.
 *
 * @example
 * throw new ConfigError('environments.staging.inbox.mailbox', undefined, 'the test mailbox address, e.g. qa@contoso.com')
 */
export class ConfigError extends MailwrightError {
  readonly key: string

  constructor(key: string, problem: string, fix: string) {
    super('CONFIG', `mailwright.config: ${key} ${problem}. ${fix}`)
    this.key = key
  }
}

import { MailwrightError } from './mailwright-error.js'

/**
 * The inbox was disposed (its test ended, or `dispose()` was called) while a wait was still pending or
 * before a new call.
 *
 * @example
 * await inbox.dispose()
 * await inbox.waitForEmail() // rejects with InboxDisposedError
 */
export class InboxDisposedError extends MailwrightError {
  readonly address: string

  constructor(address: string) {
    super(
      'INBOX_DISPOSED',
      `The inbox ${address} was disposed, so it can no longer wait for or list emails. Create a new inbox for further work (createInbox() / connectInbox()).`,
    )
    this.address = address
  }
}

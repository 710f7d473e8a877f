import { MailwrightError } from './mailwright-error.js'

/**
 * The capture server was stopped (Ctrl+C, SIGTERM, `stop()`) while a wait was pending: the wait ends at once
 * with this, instead of a reset connection or a timeout.
 *
 * @example
 * await server.stop() // a pending inbox.waitForEmail() rejects with InboxStoppedError
 */
export class InboxStoppedError extends MailwrightError {
  readonly address: string

  constructor(address: string) {
    super(
      'INBOX_STOPPED',
      `The inbox server stopped while waiting for an email to ${address}; the wait ended without one. Keep the server running for the whole test run (it is started once per run by the runner's global setup or webServer).`,
    )
    this.address = address
  }
}

import { MailwrightError } from './mailwright-error.js'

/**
 * `inbox.simulate()` or `inbox.attempts()` on an inbox whose back end controls no SMTP server: a real
 * mailbox (Graph, IMAP) or a container (Mailpit, MailDev).
 *
 * @example
 * test.skip(!inbox.canSimulate, 'faults need the capture inbox')
 */
export class FaultsUnsupportedError extends MailwrightError {
  readonly address: string

  constructor(address: string, what: 'simulate' | 'attempts') {
    super(
      'FAULTS_UNSUPPORTED',
      `inbox.${what}() on ${address}: this inbox reads a mailbox whose SMTP server Mailwright does not run (a real mailbox or a container), so it can neither make that server misbehave nor see its attempts. Run fault tests against the capture inbox (the sandbox), and skip them elsewhere: test.skip(!inbox.canSimulate, 'needs the capture inbox').`,
    )
    this.address = address
  }
}

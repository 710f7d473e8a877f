import type { RecipientRule } from '../config/recipient-guard.js'
import { guardRecipients } from '../config/recipient-guard.js'
import { redact, type Secret } from '../config/secret.js'
import { MailwrightError } from '../mailwright-error.js'
import { type MailTransport, type OutgoingEmail, recipientsOf, type SendResult } from './mail-transport.js'
import { SmtpSubmissionError } from './smtp-submission-error.js'

/** What a guarded transport enforces around a real one. */
export interface GuardOptions {
  environment: string
  /** Every recipient must match one; checked before anything connects. */
  allowRecipients: readonly RecipientRule[]
  /** Messages per minute, client-side (Exchange Online allows 30 per mailbox). Default 30. */
  ratePerMinute?: number
  /** Retries of a transient (4xx) refusal, with exponential back-off; 5xx is never retried. Default 3. */
  retries?: number
  /** First back-off delay in ms. Default 1,000. */
  backoffMs?: number
  /** Secrets to scrub from every error message. */
  secrets?: readonly Secret[]
}

/**
 * Wraps a transport that reaches a real server: refuses any recipient outside the allowlist before any
 * connection, spaces sends to the rate limit, retries transient 4xx replies with back-off (never 5xx), and
 * turns failures into SmtpSubmissionError with the explanation, secrets redacted.
 *
 * @example
 * const transport = guardedTransport(office365, { environment: 'staging', allowRecipients: ['*@contoso.com'] })
 */
export function guardedTransport(inner: MailTransport, options: GuardOptions): MailTransport {
  const ratePerMinute = options.ratePerMinute ?? 30
  const retries = options.retries ?? 3
  const backoffMs = options.backoffMs ?? 1000
  const sentAt: number[] = []
  const secrets = options.secrets ?? []
  const waitForSlot = async () => {
    for (;;) {
      const now = Date.now()
      while (sentAt.length > 0 && now - (sentAt[0] as number) >= 60_000) sentAt.shift()
      if (sentAt.length < ratePerMinute) {
        sentAt.push(now)
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 60_000 - (now - (sentAt[0] as number))))
    }
  }
  return {
    description: inner.description,
    async send(email: OutgoingEmail): Promise<SendResult> {
      guardRecipients(recipientsOf(email), options.allowRecipients, options.environment)
      for (let attempt = 0; ; attempt++) {
        await waitForSlot()
        try {
          return await inner.send(email)
        } catch (error) {
          // Mailwright's own errors (a token that could not be had, say) already explain themselves.
          if (error instanceof MailwrightError && !(error instanceof SmtpSubmissionError)) throw error
          const failure = asSubmissionError(error, inner.description, secrets)
          const transient =
            failure.responseCode !== undefined && failure.responseCode >= 400 && failure.responseCode < 500
          if (!transient || attempt >= retries) throw failure
          await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** attempt))
        }
      }
    },
    close: () => inner.close(),
  }
}

interface TransportFailure {
  response?: string
  responseCode?: number
  command?: string
  code?: string
  message?: string
}

const STAGES: Record<string, string> = {
  EAUTH: 'AUTH',
  ETLS: 'STARTTLS',
  ECONNECTION: 'connect',
  ETIMEDOUT: 'connect',
  ESOCKET: 'connect',
}

// nodemailer's errors carry { code, response, responseCode, command }; anything else is a connection fault.
function asSubmissionError(error: unknown, server: string, secrets: readonly Secret[]): SmtpSubmissionError {
  if (error instanceof SmtpSubmissionError) return error
  const failure = (error ?? {}) as TransportFailure
  const stage = failure.command ?? (failure.code ? STAGES[failure.code] : undefined) ?? 'send'
  const response = redact(failure.response ?? failure.message ?? String(error), secrets)
  return new SmtpSubmissionError(
    { response, stage: stage.replace(/^AUTH .*/, 'AUTH'), server },
    { cause: undefined },
  )
}

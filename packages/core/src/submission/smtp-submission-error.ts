import { MailwrightError } from '../mailwright-error.js'
import { explainSmtpReply, type SmtpExplanation } from './explain-smtp-reply.js'

/**
 * A submission the server refused: the SMTP reply as sent (secrets already redacted), the stage, and the
 * explanation when the reply is a known one.
 *
 * @example
 * catch (e) { if (e instanceof SmtpSubmissionError) console.log(e.explanation?.fix) }
 */
export class SmtpSubmissionError extends MailwrightError {
  readonly response: string
  readonly responseCode: number | undefined
  /** `connect`, `STARTTLS`, `AUTH`, `MAIL FROM`, `RCPT TO`, `DATA`, … */
  readonly stage: string
  readonly explanation: SmtpExplanation | undefined

  constructor(details: { response: string; stage: string; server: string }, options?: ErrorOptions) {
    const explanation = explainSmtpReply(details.response)
    const code = /^(\d{3})/.exec(details.response)?.[1]
    const what = explanation
      ? `\n\n${explanation.title}: ${explanation.cause}\nWhat to do: ${explanation.fix}\n(Source: ${explanation.source})`
      : '\n\nThis reply is not in the explanation catalogue; look up its enhanced status code.'
    super(
      'SMTP_SUBMISSION',
      `${details.server} refused the email at ${details.stage}: ${details.response}${what}`,
      options,
    )
    this.response = details.response
    this.responseCode = code === undefined ? undefined : Number(code)
    this.stage = details.stage
    this.explanation = explanation
  }
}

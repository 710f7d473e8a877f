import { MailwrightError } from './mailwright-error.js'

/**
 * The inbox server's HTTP API could not be reached or answered with an error.
 *
 * @example
 * await connectInbox('http://127.0.0.1:9') // rejects with InboxServerError (connection refused)
 */
export class InboxServerError extends MailwrightError {
  readonly url: string
  readonly status: number | undefined

  constructor(url: string, status: number | undefined, detail: string, options?: ErrorOptions) {
    super(
      'INBOX_SERVER',
      status === undefined
        ? `Could not reach the inbox server at ${url}: ${detail}. Is it running? Start it with \`mailwright serve\` or startInboxServer(), and check the URL.`
        : `The inbox server at ${url} answered ${status}: ${detail}.`,
      options,
    )
    this.url = url
    this.status = status
  }
}

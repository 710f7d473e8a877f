import { type MailTransport, MailwrightError, type OutgoingEmail, type SendResult } from '@mailwright/core'
import { recipientsOf } from '@mailwright/core/internal'
import nodemailer from 'nodemailer'
import { graphRequest } from './graph-request.js'
import { type ClientCredentials, createTokenProvider } from './token-provider.js'

/** Options of {@link graphSendMailTransport}. */
export interface GraphSendMailOptions {
  /** The mailbox that sends (`/users/{mailbox}/sendMail`); it needs Mail.Send for the app. */
  mailbox: string
  credentials: ClientCredentials
  /** Default https://graph.microsoft.com; the emulator's URL offline. */
  graphUrl?: string
}

const EXPLAIN: Record<string, string> = {
  ErrorMimeContentInvalidBase64String: 'The MIME body was not valid base64.',
  ErrorAccessDenied:
    'The app lacks Mail.Send (application permission with admin consent), or an Application Access Policy / RBAC scope excludes this mailbox (the "[RAOP]" text says so); policy changes take 30–60 minutes.',
  ErrorInvalidUser: 'The mailbox does not exist or is not a mailbox (a distribution list, say).',
  InvalidAuthenticationToken: 'The token is not for https://graph.microsoft.com or has expired.',
  ApplicationThrottled:
    'Graph throttled the app on this mailbox: it allows 4 concurrent requests per app and mailbox, and 10,000 requests per 10 minutes.',
}

/**
 * Sends through Microsoft Graph `sendMail` with the raw MIME (base64, `Content-Type: text/plain`), as
 * documented (GRAPH-SENDMAIL [V]). `202 Accepted` means queued, not delivered. Wrap it with
 * guardedTransport for the allowlist and throttling.
 *
 * @example
 * const transport = graphSendMailTransport({ mailbox: 'qa@contoso.com', credentials })
 */
export function graphSendMailTransport(options: GraphSendMailOptions): MailTransport {
  const tokens = createTokenProvider(options.credentials)
  const url = `${(options.graphUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '')}/v1.0/users/${encodeURIComponent(options.mailbox)}/sendMail`
  // nodemailer's stream transport builds the MIME without sending it.
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true })
  return {
    description: `Microsoft Graph sendMail as ${options.mailbox}`,
    async send(email: OutgoingEmail): Promise<SendResult> {
      const built = await composer.sendMail(email)
      const mime = email.raw ? Buffer.from(email.raw) : (built.message as Buffer)
      const { accessToken } = await tokens.getToken('https://graph.microsoft.com/.default')
      const response = await graphRequest(options.mailbox, url, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'text/plain' },
        body: mime.toString('base64'),
      })
      if (response.status !== 202) {
        const body = (await response.json().catch(() => ({}))) as {
          error?: { code?: string; message?: string }
        }
        const code = body.error?.code ?? String(response.status)
        const retry =
          response.status === 429
            ? ` Still throttled after 5 retries at the Retry-After it asked for (${response.headers.get('retry-after') ?? '?'} s): send less at once.`
            : ''
        throw new MailwrightError(
          'GRAPH_SEND',
          `Graph sendMail as ${options.mailbox} answered ${response.status} ${code}: ${(body.error?.message ?? response.statusText).replace(/\.$/, '')}. ${EXPLAIN[code] ?? 'See the Graph error code.'}${retry}`,
        )
      }
      return {
        response: '202 Accepted (queued)',
        messageId: built.messageId,
        recipients: recipientsOf(email),
      }
    },
    close: async () => {},
  }
}

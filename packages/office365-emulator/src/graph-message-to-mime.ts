import MailComposer from 'nodemailer/lib/mail-composer'

/** A sendMail request Graph refuses with 400: its error code and message. */
export class GraphRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

interface Recipient {
  emailAddress?: { address?: unknown; name?: unknown }
}

/**
 * The MIME Exchange builds from Graph's JSON `message` resource for `sendMail`
 * (https://learn.microsoft.com/graph/api/user-sendmail, https://learn.microsoft.com/graph/api/resources/message):
 * subject, body (`Text` or `HTML`), to/cc/bcc and replyTo recipients, `from` (the mailbox unless given),
 * custom `internetMessageHeaders` (names must start with `x-`) and file attachments (`contentBytes`, inline
 * with a `contentId`). Refuses what Graph refuses: no recipient, a bad address, another header, a body type
 * it does not know.
 *
 * @example
 * const { raw, rcptTo } = await graphMessageToMime({ subject: 'Hi', body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: 'a@contoso.test' } }] }, 'qa@contoso.test')
 */
export async function graphMessageToMime(
  message: unknown,
  mailbox: string,
): Promise<{ raw: Buffer; rcptTo: string[]; from: string }> {
  if (typeof message !== 'object' || message === null)
    throw new GraphRequestError('ErrorInvalidRequest', 'The request body must have a message object.')
  const m = message as Record<string, unknown>
  const recipients = (field: string, value: unknown = m[field] ?? []) => {
    const list = value
    if (!Array.isArray(list))
      throw new GraphRequestError('ErrorInvalidRequest', `${field} must be a collection of recipients.`)
    return (list as Recipient[]).map((r) => {
      const address = r?.emailAddress?.address
      if (typeof address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(address))
        throw new GraphRequestError(
          'ErrorInvalidRecipients',
          `At least one recipient is not valid., Recipient '${String(address ?? '')}' is not resolved. All recipients must be resolved before a message can be submitted.`,
        )
      const name = typeof r.emailAddress?.name === 'string' ? r.emailAddress.name : ''
      return { address, name }
    })
  }
  const to = recipients('toRecipients')
  const cc = recipients('ccRecipients')
  const bcc = recipients('bccRecipients')
  const replyTo = recipients('replyTo')
  if (to.length + cc.length + bcc.length === 0)
    throw new GraphRequestError(
      'ErrorInvalidRecipients',
      'At least one recipient is required, but none were found.',
    )
  // Sending as another address needs Send As on it; the caller checks that.
  const sender =
    m.from === undefined
      ? { address: mailbox, name: '' }
      : (recipients('from', [m.from])[0] as { address: string; name: string })
  const body = (m.body ?? {}) as { contentType?: unknown; content?: unknown }
  const type = String(body.contentType ?? 'Text').toLowerCase()
  if (type !== 'text' && type !== 'html')
    throw new GraphRequestError(
      'ErrorInvalidRequest',
      `The body content type '${String(body.contentType)}' is not valid: use Text or HTML.`,
    )
  const content = typeof body.content === 'string' ? body.content : ''
  const headers: Record<string, string> = {}
  for (const header of (m.internetMessageHeaders ?? []) as Array<{ name?: unknown; value?: unknown }>) {
    const name = String(header?.name ?? '')
    if (!/^x-/i.test(name))
      throw new GraphRequestError(
        'InvalidInternetMessageHeader',
        `The internet message header name '${name}' should start with 'x-' or 'X-'.`,
      )
    headers[name] = String(header.value ?? '')
  }
  const attachments = ((m.attachments ?? []) as Array<Record<string, unknown>>).map((a) => {
    if (a['@odata.type'] !== '#microsoft.graph.fileAttachment' || typeof a.contentBytes !== 'string')
      throw new GraphRequestError(
        'ErrorInvalidRequest',
        'Only file attachments (#microsoft.graph.fileAttachment with contentBytes) can be sent here.',
      )
    return {
      filename: String(a.name ?? 'attachment'),
      content: Buffer.from(a.contentBytes, 'base64'),
      contentType: typeof a.contentType === 'string' ? a.contentType : undefined,
      ...(a.isInline === true && typeof a.contentId === 'string'
        ? { cid: a.contentId, contentDisposition: 'inline' }
        : {}),
    }
  })
  const raw = await new MailComposer({
    from: sender,
    to,
    cc,
    bcc,
    replyTo,
    subject: typeof m.subject === 'string' ? m.subject : '',
    ...(type === 'html' ? { html: content } : { text: content }),
    headers,
    attachments,
  })
    .compile()
    .build()
  return { raw, rcptTo: [...to, ...cc, ...bcc].map((r) => r.address), from: sender.address }
}

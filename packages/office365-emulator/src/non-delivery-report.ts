import { randomUUID } from 'node:crypto'

/** One recipient an emulated Exchange could not deliver to, and the reply it records. */
export interface UndeliveredRecipient {
  recipient: string
  /** The reply as Exchange writes it in the NDR, e.g. `550 5.1.10 RESOLVER.ADR.RecipientNotFound; …`. */
  reply: string
}

/**
 * The non-delivery report Exchange Online sends the sender after accepting a message it then cannot
 * deliver: `multipart/report; report-type=delivery-status` (RFC 6522, RFC 3464) from the tenant's
 * Microsoft Outlook postmaster, with the readable text ("Remote Server returned '…'" under "Diagnostic
 * information for administrators"), the `message/delivery-status` part, and the original message's headers
 * (`text/rfc822-headers`; Exchange often attaches the whole message instead). Sources: "Email non-delivery
 * reports and SMTP errors in Exchange Online",
 * https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online.
 *
 * @example
 * const ndr = nonDeliveryReport({ hostname, domain: 'contoso.test', sender: 'qa@contoso.test', original: raw, failed: [{ recipient: 'nobody@contoso.test', reply: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup' }] })
 */
export function nonDeliveryReport(options: {
  hostname: string
  domain: string
  sender: string
  original: Buffer
  failed: UndeliveredRecipient[]
}): Buffer {
  const head = options.original.toString('latin1').split(/\r\n\r\n/)[0] ?? ''
  const subject = /^Subject:[ \t]*(.*(?:\r\n[ \t].*)*)/im.exec(head)?.[1]?.replace(/\r\n[ \t]+/g, ' ') ?? ''
  const messageId = /^Message-ID:[ \t]*(\S+)/im.exec(head)?.[1]
  const boundary = `ndr_${randomUUID()}`
  const date = new Date().toUTCString().replace('GMT', '+0000')
  const status = (reply: string) => /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(reply)?.[0] ?? '5.0.0'
  const readable = [
    `Your message to ${options.failed.map((f) => f.recipient).join(', ')} couldn't be delivered.`,
    '',
    'Diagnostic information for administrators:',
    '',
    `Generating server: ${options.hostname}`,
    '',
    ...options.failed.flatMap((f) => [f.recipient, `Remote Server returned '${f.reply}'`, '']),
    'Original message headers:',
    '',
    head,
    '',
  ].join('\r\n')
  const deliveryStatus = [
    `Reporting-MTA: dns;${options.hostname}`,
    `Received-From-MTA: dns;${options.hostname}`,
    `Arrival-Date: ${date}`,
    '',
    ...options.failed.flatMap((f) => [
      `Final-Recipient: rfc822;${f.recipient}`,
      'Action: failed',
      `Status: ${status(f.reply)}`,
      `Diagnostic-Code: smtp;${f.reply}`,
      '',
    ]),
  ].join('\r\n')
  const lines = [
    `From: Microsoft Outlook <postmaster@${options.domain}>`,
    `To: <${options.sender}>`,
    `Date: ${date}`,
    `Subject: Undeliverable: ${subject}`,
    `Message-ID: <${randomUUID()}@${options.hostname}>`,
    ...(messageId ? [`In-Reply-To: ${messageId}`, `References: ${messageId}`] : []),
    'Auto-Submitted: auto-replied',
    'X-MS-Exchange-Message-Is-Ndr:',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="us-ascii"',
    '',
    readable,
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    deliveryStatus,
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    head,
    '',
    `--${boundary}--`,
    '',
  ]
  return Buffer.from(lines.join('\r\n'), 'latin1')
}

import type { OutgoingEmail, SendResult } from '@mailwright/core'
import { recipientsOf } from '@mailwright/core/internal'
import nodemailer from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'

/**
 * One message over a fresh connection, closed afterwards: Office 365 counts concurrent connections per
 * mailbox, so nothing is pooled between sends.
 */
export async function sendOnce(options: SMTPTransport.Options, email: OutgoingEmail): Promise<SendResult> {
  const transport = nodemailer.createTransport(options)
  try {
    const info = await transport.sendMail(email)
    return { response: info.response, messageId: info.messageId, recipients: recipientsOf(email) }
  } finally {
    transport.close()
  }
}

import nodemailer from 'nodemailer'
import { type MailTransport, type OutgoingEmail, recipientsOf, type SendResult } from './mail-transport.js'

/**
 * A transport into the capture inbox (the sandbox): plain SMTP on this machine, STARTTLS taken when
 * offered without checking the inbox's generated certificate.
 *
 * @example
 * const transport = sandboxTransport(server.smtp)
 */
export function sandboxTransport(smtp: { host: string; port: number }): MailTransport {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    pool: true,
    tls: { rejectUnauthorized: false },
  })
  return {
    description: `capture inbox ${smtp.host}:${smtp.port}`,
    async send(email: OutgoingEmail): Promise<SendResult> {
      const info = await transport.sendMail(email)
      return { response: info.response, messageId: info.messageId, recipients: recipientsOf(email) }
    },
    close: async () => transport.close(),
  }
}

import type { Transporter } from 'nodemailer/lib/mailer'
import { type MailTransport, type OutgoingEmail, recipientsOf, type SendResult } from './mail-transport.js'

/**
 * A transport into the capture inbox (the sandbox): plain SMTP on this machine, STARTTLS taken when
 * offered without checking the inbox's generated certificate. nodemailer (about 100 ms to load) is loaded on
 * the first send, not when core is imported.
 *
 * @example
 * const transport = sandboxTransport(server.smtp)
 */
export function sandboxTransport(smtp: { host: string; port: number }): MailTransport {
  let transport: Promise<Transporter> | undefined
  const connect = () =>
    import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        pool: true,
        tls: { rejectUnauthorized: false },
      }),
    )
  return {
    description: `capture inbox ${smtp.host}:${smtp.port}`,
    async send(email: OutgoingEmail): Promise<SendResult> {
      transport ??= connect()
      const info = await (await transport).sendMail(email)
      return { response: info.response ?? '', messageId: info.messageId, recipients: recipientsOf(email) }
    },
    close: async () => {
      if (transport) (await transport).close()
    },
  }
}

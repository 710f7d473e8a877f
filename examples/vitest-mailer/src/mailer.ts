import nodemailer from 'nodemailer'

/** Where the mailer sends: the SMTP settings an app reads from its environment. */
export interface MailerOptions {
  host?: string
  port?: number
  from?: string
}

/**
 * The example application's mailer: welcome, password-reset and invoice emails through nodemailer, to the
 * SMTP server its environment names (SMTP_HOST / SMTP_PORT).
 *
 * @example
 * const mailer = createMailer()
 * await mailer.sendWelcome('alice@example.com', 'Alice')
 */
export function createMailer(options: MailerOptions = {}) {
  const transport = nodemailer.createTransport({
    host: options.host ?? process.env.SMTP_HOST ?? '127.0.0.1',
    port: options.port ?? Number(process.env.SMTP_PORT ?? 1025),
    // The sandbox inbox offers STARTTLS with a certificate made at start-up.
    tls: { rejectUnauthorized: false },
  })
  const from = options.from ?? '"Acme" <no-reply@acme.test>'
  return {
    sendWelcome(to: string, name: string) {
      return transport.sendMail({
        from,
        to,
        replyTo: 'support@acme.test',
        subject: `Welcome to Acme, ${name}`,
        text: `Hi ${name},\n\nyour account is ready. Get started at https://acme.test/start\n`,
        html: `<p>Hi ${name},</p><p>your account is ready. <a href="https://acme.test/start">Get started</a></p>`,
        headers: {
          'List-Unsubscribe': '<https://acme.test/unsubscribe>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      })
    },
    sendPasswordReset(to: string, code: string) {
      return transport.sendMail({
        from,
        to,
        subject: 'Reset your password',
        text: `Your password reset code is ${code}.\nOr open https://acme.test/reset?code=${code}\n`,
        html: `<p>Your password reset code is <b>${code}</b>.</p><p><a href="https://acme.test/reset?code=${code}">Reset password</a></p>`,
      })
    },
    sendInvoice(to: string, number: string, pdf: Buffer) {
      return transport.sendMail({
        from: '"Acme Billing" <billing@acme.test>',
        to,
        subject: `Invoice ${number}`,
        text: `Invoice ${number} is attached.`,
        attachments: [{ filename: `invoice-${number}.pdf`, content: pdf, contentType: 'application/pdf' }],
      })
    },
    close: () => transport.close(),
  }
}

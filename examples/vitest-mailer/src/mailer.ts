import { readFileSync } from 'node:fs'
import { Secret } from '@mailwright/core'
import { office365NodemailerOptions } from '@mailwright/office365'
import nodemailer from 'nodemailer'
import type { SendMailOptions } from 'nodemailer/lib/mailer'

/** Where the mailer sends: the SMTP settings an app reads from its environment. */
export interface MailerOptions {
  host?: string
  port?: number
  from?: string
  /** Sends tried before giving up on a server that says "later" (4xx) or drops the connection. Default 4. */
  attempts?: number
  /** The pause before the first retry, doubled for each next one. Default 500 ms. */
  retryDelayMs?: number
}

/** A send the mailer gave up on; `message` is what the application tells its user. */
export class DeliveryFailed extends Error {}

/**
 * The example application's mailer: welcome, password-reset and invoice emails through nodemailer, to the
 * SMTP server its environment names (SMTP_HOST / SMTP_PORT). With SMTP_USER set it submits as a staging app
 * would to Office 365: STARTTLS required, certificate checked (SMTP_CA_FILE, SMTP_SERVERNAME for a stand-in),
 * XOAUTH2 with a client-credentials token (O365_TENANT_ID, O365_CLIENT_ID, O365_CLIENT_SECRET, O365_LOGIN_URL).
 *
 * @example
 * const mailer = createMailer()
 * await mailer.sendWelcome('alice@example.com', 'Alice')
 */
export function createMailer(options: MailerOptions = {}) {
  const host = options.host ?? process.env.SMTP_HOST ?? '127.0.0.1'
  const port = options.port ?? Number(process.env.SMTP_PORT ?? 1025)
  const user = process.env.SMTP_USER
  const transport = user
    ? nodemailer.createTransport({ ...office365Submission(user), host, port })
    : // The sandbox inbox offers STARTTLS with a certificate made at start-up.
      nodemailer.createTransport({ host, port, tls: { rejectUnauthorized: false } })
  const from = options.from ?? '"Acme" <no-reply@acme.test>'
  const attempts = options.attempts ?? 4
  const retryDelayMs = options.retryDelayMs ?? 500
  // Greylisting, throttling and dropped connections pass on a later try; a 5xx never does.
  const send = async (message: SendMailOptions) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transport.sendMail(message)
      } catch (error) {
        const { responseCode, response } = error as { responseCode?: number; response?: string }
        if (responseCode !== undefined && responseCode >= 500)
          throw new DeliveryFailed(
            `We could not email ${String(message.to)}: ${response}. Check the address.`,
          )
        if (attempt >= attempts)
          throw new DeliveryFailed(
            `We could not email ${String(message.to)} after ${attempts} tries (${response ?? (error as Error).message}). Please try again later.`,
          )
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)))
      }
    }
  }
  return {
    sendWelcome(to: string, name: string) {
      return send({
        from,
        to,
        replyTo: 'support@acme.test',
        subject: `Welcome to Acme, ${name}`,
        text: `Hi ${name},\n\nyour account is ready. Get started at https://acme.test/start\n`,
        html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Welcome to Acme</title></head><body><p>Hi ${name},</p><p>your account is ready. <a href="https://acme.test/start">Get started</a></p></body></html>`,
        headers: {
          'List-Unsubscribe': '<https://acme.test/unsubscribe>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      })
    },
    sendPasswordReset(to: string, code: string) {
      return send({
        from,
        to,
        subject: 'Reset your password',
        text: `Your password reset code is ${code}.\nOr open https://acme.test/reset?code=${code}\n`,
        html: `<p>Your password reset code is <b>${code}</b>.</p><p><a href="https://acme.test/reset?code=${code}">Reset password</a></p>`,
      })
    },
    sendNewsletter(to: string) {
      return send({
        from,
        to,
        subject: 'The Acme newsletter',
        text: 'Three new features this month: https://acme.test/news\n',
        html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The Acme newsletter</title><style>.cards { display: flex; gap: 16px }</style></head><body><div class="cards"><p>Three new features this month.</p><p><a href="https://acme.test/news">Read the news</a></p></div></body></html>`,
      })
    },
    /** The promotion marketing wrote: everything a spam filter dislikes. */
    sendPromotion(to: string) {
      return send({
        from,
        to,
        subject: 'URGENT!!! YOU HAVE WON $1,000,000 CLAIM NOW',
        html: '<p><b>CONGRATULATIONS!!! YOU ARE OUR LUCKY WINNER!!!</b></p><p>Dear Beneficiary, you have won ONE MILLION DOLLARS ($1,000,000.00) in our international lottery. To claim your prize send your bank account details and a processing fee by Western Union. 100% FREE money, no risk, guaranteed! Also: cheap viagra and replica watches.</p><p><a href="http://203.0.113.99/claim.php">CLICK HERE TO CLAIM YOUR PRIZE NOW</a></p>',
      })
    },
    sendInvoice(to: string, number: string, pdf: Buffer) {
      return send({
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

function office365Submission(user: string) {
  const variable = (name: string) => {
    const value = process.env[name]
    if (!value) throw new Error(`SMTP_USER is set, so ${name} must be too (Office 365 OAuth2 submission).`)
    return value
  }
  return office365NodemailerOptions({
    user,
    credentials: {
      tenantId: variable('O365_TENANT_ID'),
      clientId: variable('O365_CLIENT_ID'),
      clientSecret: new Secret('O365_CLIENT_SECRET', variable('O365_CLIENT_SECRET')),
      loginUrl: process.env.O365_LOGIN_URL,
    },
    ca: process.env.SMTP_CA_FILE ? readFileSync(process.env.SMTP_CA_FILE, 'utf8') : undefined,
    servername: process.env.SMTP_SERVERNAME,
  })
}

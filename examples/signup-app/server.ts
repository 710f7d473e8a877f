// The example application under test: sign-up with email verification (link + 6-digit code) and password
// reset by code. Plain node:http, sends mail with nodemailer to the SMTP server its environment names.
import { randomBytes, randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Secret } from '@mailwright/core'
import { office365NodemailerOptions } from '@mailwright/office365'
import nodemailer from 'nodemailer'
import type { SendMailOptions } from 'nodemailer/lib/mailer'

const port = Number(process.env.PORT ?? 3000)
const appUrl = process.env.APP_URL ?? `http://127.0.0.1:${port}`
const from = process.env.MAIL_FROM ?? '"Signup App" <no-reply@signup-app.test>'
// Signs with DKIM when the environment names a key, as the production app would.
const dkim = process.env.DKIM_PRIVATE_KEY_FILE
  ? {
      domainName: process.env.DKIM_DOMAIN ?? 'signup-app.test',
      keySelector: process.env.DKIM_SELECTOR ?? 's1',
      privateKey: readFileSync(process.env.DKIM_PRIVATE_KEY_FILE, 'utf8'),
    }
  : undefined
const host = process.env.SMTP_HOST ?? '127.0.0.1'
const smtpPort = Number(process.env.SMTP_PORT ?? 1025)
// A new connection per email, as most apps send (nodemailer's default). With SMTP_USER set the app submits
// to Office 365 with OAuth2, as it does in staging.
const transport = nodemailer.createTransport({
  ...(process.env.SMTP_USER
    ? office365NodemailerOptions({
        user: process.env.SMTP_USER,
        credentials: {
          tenantId: process.env.O365_TENANT_ID ?? '',
          clientId: process.env.O365_CLIENT_ID ?? '',
          clientSecret: new Secret('O365_CLIENT_SECRET', process.env.O365_CLIENT_SECRET ?? ''),
          loginUrl: process.env.O365_LOGIN_URL,
        },
        ca: process.env.SMTP_CA_FILE ? readFileSync(process.env.SMTP_CA_FILE, 'utf8') : undefined,
        servername: process.env.SMTP_SERVERNAME,
      })
    : { secure: process.env.SMTP_SECURE === 'true', tls: { rejectUnauthorized: false } }),
  host,
  port: smtpPort,
  ...(dkim ? { dkim } : {}),
})

// Mail servers say "not now" (greylisting, Office 365 throttling) or drop a connection: those sends are
// retried with a growing pause. A 5xx is final: the user is told at once instead.
const attempts = Number(process.env.MAIL_ATTEMPTS ?? 4)
const retryDelayMs = Number(process.env.MAIL_RETRY_DELAY_MS ?? 500)

class SendFailed extends Error {}

async function sendWithRetry(message: SendMailOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await transport.sendMail(message)
      return
    } catch (error) {
      const { responseCode, response } = error as { responseCode?: number; response?: string }
      const permanent = responseCode !== undefined && responseCode >= 500
      if (permanent || attempt >= attempts)
        throw new SendFailed(
          permanent
            ? `the mail server refused it (${response}). Check the address.`
            : `the mail server did not take it after ${attempts} attempts (${response ?? (error as Error).message}). Try again later.`,
        )
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)))
    }
  }
}

interface User {
  email: string
  verified: boolean
  token: string
  code: string
  resetCode?: string
  password?: string
}
const users = new Map<string, User>()

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  let body = ''
  for await (const chunk of req) body += chunk
  return new URLSearchParams(body)
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
  res.end(html)
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', appUrl)
  if (url.pathname === '/health') return send(res, 200, 'ok')
  if (url.pathname === '/') {
    return send(
      res,
      200,
      page('Signup App', '<p><a href="/signup">Sign up</a> · <a href="/reset">Forgot password</a></p>'),
    )
  }
  if (url.pathname === '/signup' && req.method === 'GET') {
    return send(
      res,
      200,
      page(
        'Sign up',
        '<form method="post"><label>Email <input name="email" type="email" required></label> <button type="submit">Sign up</button></form>',
      ),
    )
  }
  if (url.pathname === '/signup' && req.method === 'POST') {
    const email = ((await form(req)).get('email') ?? '').trim()
    if (!email.includes('@'))
      return send(res, 400, page('Sign up', '<p role="alert">Enter a valid email address.</p>'))
    const user: User = {
      email,
      verified: false,
      token: randomBytes(16).toString('hex'),
      code: String(randomInt(100000, 1000000)),
    }
    users.set(email.toLowerCase(), user)
    const link = `${appUrl}/verify?token=${user.token}`
    const sent = await sendWithRetry({
      from,
      to: email,
      subject: 'Verify your email address',
      text: `Welcome!\n\nYour verification code is ${user.code}.\nOr open ${link}\n`,
      // A whole document with its language: screen readers read it right (the content checks ask for it).
      html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Verify your email address</title></head><body><p>Welcome!</p><p>Your verification code is <strong>${user.code}</strong>.</p><p><a href="${link}">Verify email</a></p></body></html>`,
    }).catch((error: unknown) => {
      if (error instanceof SendFailed) return error
      throw error
    })
    if (sent instanceof SendFailed) {
      users.delete(email.toLowerCase())
      return send(
        res,
        502,
        page(
          'Sign up',
          `<p role="alert">We could not send the verification email to ${escapeHtml(email)}: ${escapeHtml(sent.message)}</p>`,
        ),
      )
    }
    return send(
      res,
      200,
      page('Check your email', `<p>We sent a verification link to ${escapeHtml(email)}.</p>`),
    )
  }
  if (url.pathname === '/verify') {
    const user = [...users.values()].find((u) => u.token === url.searchParams.get('token'))
    if (!user) return send(res, 404, page('Link not valid', '<p>This verification link is not valid.</p>'))
    user.verified = true
    return send(res, 200, page('Account verified', `<p>Account verified for ${escapeHtml(user.email)}.</p>`))
  }
  if (url.pathname === '/reset' && req.method === 'GET') {
    return send(
      res,
      200,
      page(
        'Reset password',
        '<form method="post"><label>Email <input name="email" type="email" required></label> <button type="submit">Send reset code</button></form>',
      ),
    )
  }
  if (url.pathname === '/reset' && req.method === 'POST') {
    const email = ((await form(req)).get('email') ?? '').trim()
    const user = users.get(email.toLowerCase())
    // The same answer for known and unknown addresses, so the form does not reveal who has an account.
    if (user) {
      user.resetCode = String(randomInt(100000, 1000000))
      await sendWithRetry({
        from,
        to: user.email,
        subject: 'Reset your password',
        text: `Your password reset code is ${user.resetCode}. It expires in 15 minutes.\n`,
        html: `<p>Your password reset code is <strong>${user.resetCode}</strong>. It expires in 15 minutes.</p>`,
      })
    }
    return send(
      res,
      200,
      page(
        'Check your email',
        `<p>If ${escapeHtml(email)} has an account, we sent a reset code.</p><form method="post" action="/reset/confirm"><input type="hidden" name="email" value="${escapeHtml(email)}"><label>Code <input name="code" required></label> <label>New password <input name="password" type="password" required></label> <button type="submit">Change password</button></form>`,
      ),
    )
  }
  if (url.pathname === '/reset/confirm' && req.method === 'POST') {
    const data = await form(req)
    const user = users.get((data.get('email') ?? '').toLowerCase())
    if (!user?.resetCode || user.resetCode !== data.get('code')) {
      return send(res, 400, page('Reset password', '<p role="alert">That code is not valid.</p>'))
    }
    user.password = data.get('password') ?? ''
    user.resetCode = undefined
    return send(res, 200, page('Password changed', '<p>Your password was changed.</p>'))
  }
  send(res, 404, page('Not found', ''))
}

createServer((req, res) => {
  handle(req, res).catch((error: Error) =>
    send(res, 500, page('Error', `<pre>${escapeHtml(error.message)}</pre>`)),
  )
}).listen(port, '127.0.0.1', () => console.log(`Signup App on ${appUrl}`))

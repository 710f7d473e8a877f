// The web UI's screenshots in docs/, taken from a real run: a capture server with a sending profile, the
// emails of a small sign-up suite sent over SMTP, and Chromium on the UI in both themes.
//
//   pnpm --dir test/web-ui screenshots          # writes docs/images/web-ui-{light,dark}.png
//
// screenshots.spec.ts runs the same function in CI, so the script keeps working.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { generateDkimKey, zoneResolver } from '@mailwright/core/testing'
import { startInboxServer } from '@mailwright/inbox-server'
import { CHROMIUM_ARGS, findChromium } from '@mailwright/playwright'
import { chromium } from '@playwright/test'
import nodemailer from 'nodemailer'

/** A 16×16 blue square, the newsletter's inline logo. */
const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAGElEQVR4nGNkaPjPQApgIkn1qIZRDUNKAwB2SAGjA8nd6AAAAABJRU5ErkJggg==',
  'base64',
)

/**
 * Starts a capture server, sends it a few realistic emails, and writes `web-ui-light.png` and
 * `web-ui-dark.png` into `outDir`. Returns the files written.
 *
 * @example
 * await captureScreenshots('docs/images')
 */
export async function captureScreenshots(outDir: string): Promise<string[]> {
  const key = generateDkimKey()
  await using server = await startInboxServer({
    sendingProfile: {
      ip: '203.0.113.10',
      dns: zoneResolver({
        'signup-app.test': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
        's1._domainkey.signup-app.test': { TXT: [key.record] },
        '_dmarc.signup-app.test': { TXT: ['v=DMARC1; p=reject'] },
        'payments-update.test': { TXT: ['v=spf1 -all'] },
        '_dmarc.payments-update.test': { TXT: ['v=DMARC1; p=quarantine'] },
      }),
    },
  })
  const signed = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtp.port,
    ignoreTLS: true,
    dkim: { domainName: 'signup-app.test', keySelector: 's1', privateKey: key.privateKey },
  })
  const unsigned = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtp.port, ignoreTLS: true })
  const signup = server.createAddress('sign-up-sends-a-verificati')
  const reset = server.createAddress('password-reset-link-expires')
  const billing = server.createAddress('invoice-has-the-pdf')
  const from = '"Signup App" <no-reply@signup-app.test>'
  await signed.sendMail({
    from,
    to: billing,
    subject: 'Your November invoice',
    text: 'Your invoice for November is attached.',
    attachments: [{ filename: 'invoice-2026-11.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }],
  })
  await unsigned.sendMail({
    from: '"Billing" <billing@payments-update.test>',
    to: billing,
    subject: 'Action needed: update your payment details',
    text: 'Your card was declined. Update it here: https://payments-update.test/card',
  })
  await signed.sendMail({
    from,
    to: reset,
    subject: 'Reset your password',
    text: 'Reset it here: https://signup-app.test/reset?token=9b1f. The link expires in 30 minutes.',
    html: '<p>Someone asked to reset your password.</p><p><a href="https://signup-app.test/reset?token=9b1f">Reset password</a></p><p>The link expires in 30 minutes.</p>',
  })
  await signed.sendMail({
    from,
    to: signup,
    subject: 'Verify your email address',
    text: 'Welcome! Your code is 482913. Or open https://signup-app.test/verify?token=3f9a2c',
    html: `<div style="font-family:Helvetica,Arial,sans-serif;max-width:520px;margin:24px auto;color:#1f2937">
  <img src="cid:logo@signup-app.test" width="32" height="32" alt="Signup App">
  <h1 style="font-size:22px">Welcome to Signup App</h1>
  <p>Confirm your address to finish creating your account.</p>
  <p style="font-size:28px;letter-spacing:6px;font-weight:bold">482913</p>
  <p><a href="https://signup-app.test/verify?token=3f9a2c" style="background:#2563eb;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Verify email</a></p>
  <p style="color:#6b7280;font-size:13px">If you did not sign up, ignore this email.</p>
</div>`,
    attachments: [{ filename: 'logo.png', content: LOGO, cid: 'logo@signup-app.test' }],
  })
  signed.close()
  unsigned.close()

  mkdirSync(outDir, { recursive: true })
  const browser = await chromium.launch({
    executablePath: findChromium({ playwrightExecutable: safeExecutablePath() }),
    args: CHROMIUM_ARGS,
  })
  const written: string[] = []
  try {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme })
      await page.goto(`${server.url}/`)
      const list = page.getByRole('listbox', { name: 'Emails' })
      await list.getByRole('option').nth(3).waitFor()
      await list.getByRole('option', { name: /Verify your email address/ }).click()
      await page.getByRole('heading', { name: 'Verify your email address' }).waitFor()
      if (scheme === 'dark') await page.getByRole('button', { name: 'Dark' }).click()
      // Each preview variant is a new frame: this waits for the one shown.
      await page.frameLocator('iframe').getByRole('link', { name: 'Verify email' }).waitFor()
      const file = join(outDir, `web-ui-${scheme}.png`)
      await page.screenshot({ path: file })
      written.push(file)
      await page.close()
    }
  } finally {
    await browser.close()
  }
  return written
}

function safeExecutablePath(): string | undefined {
  try {
    return chromium.executablePath()
  } catch {
    return undefined
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await captureScreenshots(resolve(process.argv[2] ?? 'screenshots'))
  for (const file of files) console.log(`wrote ${file}`)
}

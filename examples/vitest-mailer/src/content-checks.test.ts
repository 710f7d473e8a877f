import { spawnSync } from 'node:child_process'
import { scaledTimeout } from '@mailwright/core'
import { test } from '@mailwright/vitest'
import { expect } from 'vitest'
import { createMailer } from './mailer.js'

const mailer = createMailer()
// SpamAssassin comes from the system (apt-get install spamd); CI installs it, a laptop may not have it.
const spamd = spawnSync('spamd', ['--version'], { stdio: 'ignore' }).status === 0

test.skipIf(!spamd && !process.env.CI)(
  'the welcome email is no spam, fits the big clients and reads well',
  async ({ inbox }) => {
    await mailer.sendWelcome(inbox.address, 'Alice')
    const email = await inbox.waitForEmail({ subject: /Welcome/ })
    // SpamAssassin and the clients come from mailwright.config.ts (checks of the sandbox).
    await expect(email).toHaveSpamScore()
    await expect(email).toBeCompatibleWith()
    await expect(email).toBeAccessible()
    // https://acme.test is not this machine: listed as not checked, never requested.
    await expect(email).toHaveWorkingLinks()
    // A failure names the filter's rules; here, the score is below any threshold a test would set.
    await expect(expect(email).toHaveSpamScore({ below: -100 })).rejects.toThrowError(
      /^expect\(email\)\.toHaveSpamScore\(\{ below: -100 \}\) failed\n\nExpected: a spam score below -100\nReceived: -?\d+(\.\d+)? from SpamAssassin \((ham|spam)\)\n/,
    )
  },
  // A first check launches Chromium (accessibility): more than Vitest's default 5 s on a busy runner.
  scaledTimeout(30_000),
)

test('an email that uses modern CSS fails for Outlook, naming the features and their caniemail pages', async ({
  inbox,
}) => {
  await mailer.sendNewsletter(inbox.address)
  const email = await inbox.waitForEmail({ subject: /newsletter/ })
  await expect(email).toBeCompatibleWith(['apple-mail'])
  await expect(expect(email).toBeCompatibleWith(['outlook-windows'])).rejects.toThrowError(
    /Not supported:\n {2}display:flex — outlook\.windows\n {4}https:\/\/www\.caniemail\.com\/features\/css-display-flex\//,
  )
})

test.skipIf(!spamd && !process.env.CI)(
  'a promotion written like spam fails toHaveSpamScore, listing the rules SpamAssassin fired',
  async ({ inbox }) => {
    await mailer.sendPromotion(inbox.address)
    const email = await inbox.waitForEmail({ subject: /URGENT/ })
    await expect(expect(email).toHaveSpamScore()).rejects.toThrowError(
      /Expected: a spam score below 5 \(SpamAssassin's spam threshold\)\nReceived: \d+(\.\d+)? from SpamAssassin \(spam\)\n\nRules that added to the score:\n[\s\S]*(DRUGS_ERECTILE|ADVANCE_FEE|BILLION_DOLLARS|MONEY_FRAUD)/,
    )
  },
  scaledTimeout(30_000),
)

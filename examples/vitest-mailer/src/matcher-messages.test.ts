import { readFileSync } from 'node:fs'
import { parseEmail } from '@mailwright/core'
import { test } from '@mailwright/vitest'
import { expect } from 'vitest'

// Every matcher's failure message, positive and `.not`, as Vitest shows it. The email comes from a fixed
// .eml so the messages are stable; inbox addresses are replaced by <inbox>.
const email = await parseEmail(
  readFileSync(new URL('../../../test/fixtures/multipart-complete.eml', import.meta.url)),
  {
    id: 'fixture',
    envelope: { mailFrom: 'bounces@example.com', rcptTo: ['alice@inbox.test'] },
    receivedAt: new Date('2026-11-26T10:00:00Z'),
  },
)

function failureOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the assertion to fail')
}

async function asyncFailureOf(run: () => Promise<unknown>, address: string): Promise<string> {
  try {
    await run()
  } catch (error) {
    return (error as Error).message
      .replaceAll(address, '<inbox>')
      .replace(/ at \d{4}-\d\d-\d\dT[\d:.]+Z/g, ' at <time>')
      .replace(/\(id [\w-]+\)/g, '(id <id>)')
  }
  throw new Error('expected the assertion to fail')
}

test('toBeSentFrom', () => {
  expect(failureOf(() => expect(email).toBeSentFrom('billing@example.com'))).toMatchInlineSnapshot(`
    "expect(email).toBeSentFrom("billing@example.com") failed

    Expected: from "billing@example.com"
    Received: from "José" <jose@example.com>

    Envelope MAIL FROM: <bounces@example.com>

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
  expect(
    failureOf(() => expect(email).not.toBeSentFrom({ address: 'jose@example.com', name: 'José' })),
  ).toMatchInlineSnapshot(`
    "expect(email).not.toBeSentFrom({ address: "jose@example.com", name: "José" }) failed

    Expected: not from { address: "jose@example.com", name: "José" }
    Received: from "José" <jose@example.com>

    Envelope MAIL FROM: <bounces@example.com>

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
})

test('toBeSentTo', () => {
  expect(failureOf(() => expect(email).toBeSentTo('bob@elsewhere.test'))).toMatchInlineSnapshot(`
    "expect(email).toBeSentTo("bob@elsewhere.test") failed

    Expected: a recipient "bob@elsewhere.test"
    Received: not among the recipients

    To: "Alice" <alice@inbox.test>, bob@inbox.test, carol@inbox.test
    Cc: dave@inbox.test
    envelope RCPT TO: alice@inbox.test

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
  expect(failureOf(() => expect(email).not.toBeSentTo('dave@inbox.test'))).toMatchInlineSnapshot(`
    "expect(email).not.toBeSentTo("dave@inbox.test") failed

    Expected: not a recipient "dave@inbox.test"
    Received: matched in Cc

    To: "Alice" <alice@inbox.test>, bob@inbox.test, carol@inbox.test
    Cc: dave@inbox.test
    envelope RCPT TO: alice@inbox.test

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
})

test('toHaveSubject', () => {
  expect(failureOf(() => expect(email).toHaveSubject('Welcome'))).toMatchInlineSnapshot(`
    "expect(email).toHaveSubject("Welcome") failed

    Expected: subject "Welcome"
    Received: subject "ÉlèVe 🚀"

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
  expect(failureOf(() => expect(email).not.toHaveSubject(/🚀/))).toMatchInlineSnapshot(`
    "expect(email).not.toHaveSubject(/🚀/) failed

    Expected: not subject /🚀/
    Received: subject "ÉlèVe 🚀"

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
})

test('toHaveReplyTo', () => {
  expect(failureOf(() => expect(email).toHaveReplyTo('help@example.com'))).toMatchInlineSnapshot(`
    "expect(email).toHaveReplyTo("help@example.com") failed

    Expected: Reply-To "help@example.com"
    Received: Reply-To support@example.com

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
  expect(failureOf(() => expect(email).not.toHaveReplyTo(/support@/))).toMatchInlineSnapshot(`
    "expect(email).not.toHaveReplyTo(/support@/) failed

    Expected: not Reply-To /support@/
    Received: Reply-To support@example.com

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
})

test('toHaveHeader', () => {
  expect(failureOf(() => expect(email).toHaveHeader('X-Multi', 'three'))).toMatchInlineSnapshot(`
    "expect(email).toHaveHeader("X-Multi", "three") failed

    Expected: X-Multi: "three"
    Received: X-Multi: "one", X-Multi: "two"

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
  expect(failureOf(() => expect(email).not.toHaveHeader('Message-ID'))).toMatchInlineSnapshot(`
    "expect(email).not.toHaveHeader("Message-ID") failed

    Expected: not a Message-ID header
    Received: Message-ID: "<abc@example.com>"

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
})

test('toContainText', () => {
  expect(failureOf(() => expect(email).toContainText('Welcome aboard'))).toMatchInlineSnapshot(`
    "expect(email).toContainText("Welcome aboard") failed

    Expected: text containing "Welcome aboard"
    Received: text "Reset your password with code 7731 or visit https://app.test/reset?u=1."

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
  expect(failureOf(() => expect(email).not.toContainText(/code \d{4}/))).toMatchInlineSnapshot(`
    "expect(email).not.toContainText(/code \\d{4}/) failed

    Expected: not text containing /code \\d{4}/
    Received: text "Reset your password with code 7731 or visit https://app.test/reset?u=1."

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
})

test('toHaveLink', () => {
  expect(failureOf(() => expect(email).toHaveLink(/\/verify/))).toMatchInlineSnapshot(`
    "expect(email).toHaveLink(/\\/verify/) failed

    Expected: a link to /\\/verify/
    Received: 2 link(s)

      "Reset & continue" → https://app.test/reset?u=1
      "Help" → https://app.test/help

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
  expect(
    failureOf(() => expect(email).not.toHaveLink('https://app.test/help', { text: 'Help' })),
  ).toMatchInlineSnapshot(`
    "expect(email).not.toHaveLink("https://app.test/help", { text: "Help" }) failed

    Expected: not a link to "https://app.test/help" with text "Help"
    Received: 2 link(s)

      "Reset & continue" → https://app.test/reset?u=1
      "Help" → https://app.test/help

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
})

test('toHaveAttachment', () => {
  expect(failureOf(() => expect(email).toHaveAttachment({ filename: 'invoice.pdf' }))).toMatchInlineSnapshot(`
    "expect(email).toHaveAttachment({ filename: "invoice.pdf" }) failed

    Expected: an attachment { filename: "invoice.pdf" }
    Received: 2 attachment(s)

      logo.png (image/png, 8 bytes, inline)
      report.csv (text/csv, 8 bytes)

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
  expect(
    failureOf(() => expect(email).not.toHaveAttachment({ contentType: 'text/csv' })),
  ).toMatchInlineSnapshot(`
    "expect(email).not.toHaveAttachment({ contentType: "text/csv" }) failed

    Expected: not an attachment { contentType: "text/csv" }
    Received: 2 attachment(s)

      logo.png (image/png, 8 bytes, inline)
      report.csv (text/csv, 8 bytes)

    Email:    "ÉlèVe 🚀" from jose@example.com to alice@inbox.test, bob@inbox.test, carol@inbox.test"
  `)
})

test('toReceiveEmail', async ({ inbox }) => {
  const { createMailer } = await import('./mailer.js')
  const mailer = createMailer()
  await mailer.sendWelcome(inbox.address, 'Dana')
  expect(
    await asyncFailureOf(
      () => expect(inbox).toReceiveEmail({ subject: /Quarterly report/ }, { timeout: 200 }),
      inbox.address,
    ),
  ).toMatchInlineSnapshot(`
    "expect(inbox).toReceiveEmail({ subject: /Quarterly report/ }, { timeout: 200 }) failed

    Expected: an email matching { subject: /Quarterly report/ } at <inbox> within 200 ms
    Received: no matching email

    Arrived for this inbox but did not match:
      - "Welcome to Acme, Dana" from no-reply@acme.test to <inbox> at <time>: subject "Welcome to Acme, Dana" does not match /Quarterly report/"
  `)
  expect(
    await asyncFailureOf(
      () => expect(inbox).not.toReceiveEmail({ subject: /Welcome/ }, { within: 2000 }),
      inbox.address,
    ),
  ).toMatchInlineSnapshot(`
    "expect(inbox).not.toReceiveEmail({ subject: /Welcome/ }, { within: 2000 }) failed

    Expected: not an email matching { subject: /Welcome/ } at <inbox> within 2000 ms
    Received: "Welcome to Acme, Dana" from no-reply@acme.test to <inbox> (id <id>)"
  `)
  mailer.close()
})

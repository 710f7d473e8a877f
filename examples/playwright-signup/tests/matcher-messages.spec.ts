import { readFileSync } from 'node:fs'
import { emailMatchers, type MatcherResult, parseEmail } from '@mailwright/core'
import { expect, test } from '@mailwright/playwright'

// Every matcher's failure, positive and `.not`, as Playwright shows it, must be exactly the message core
// writes (pinned by the inline snapshots of examples/vitest-mailer/src/matcher-messages.test.ts): the same
// layout in both runners.
const email = await parseEmail(
  readFileSync(new URL('../../../test/fixtures/multipart-complete.eml', import.meta.url)),
  {
    id: 'fixture',
    envelope: { mailFrom: 'bounces@example.com', rcptTo: ['alice@inbox.test'] },
    receivedAt: new Date('2026-11-26T10:00:00Z'),
  },
)

type Name = Exclude<keyof typeof emailMatchers, 'toReceiveEmail'>
const cases: Array<[Name, boolean, unknown[]]> = [
  ['toBeSentFrom', false, ['billing@example.com']],
  ['toBeSentFrom', true, [{ address: 'jose@example.com', name: 'José' }]],
  ['toBeSentTo', false, ['bob@elsewhere.test']],
  ['toBeSentTo', true, ['dave@inbox.test']],
  ['toHaveSubject', false, ['Welcome']],
  ['toHaveSubject', true, [/🚀/]],
  ['toHaveReplyTo', false, ['help@example.com']],
  ['toHaveReplyTo', true, [/support@/]],
  ['toHaveHeader', false, ['X-Multi', 'three']],
  ['toHaveHeader', true, ['Message-ID']],
  ['toContainText', false, ['Welcome aboard']],
  ['toContainText', true, [/code \d{4}/]],
  ['toHaveLink', false, [/\/verify/]],
  ['toHaveLink', true, ['https://app.test/help', { text: 'Help' }]],
  ['toHaveAttachment', false, [{ filename: 'invoice.pdf' }]],
  ['toHaveAttachment', true, [{ contentType: 'text/csv' }]],
]

for (const [name, isNot, args] of cases) {
  test(`${isNot ? '.not.' : ''}${name} fails with core's message`, async () => {
    const core = (emailMatchers[name] as (this: { isNot: boolean }, ...a: unknown[]) => MatcherResult).call(
      { isNot },
      email,
      ...args,
    )
    expect(core.pass).toBe(isNot)
    const assertion = (isNot ? expect(email).not : expect(email)) as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >
    let message = ''
    try {
      await assertion[name]?.(...args)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toBe(core.message())
  })
}

test('toReceiveEmail and .not fail with core’s layout and near misses', async ({ request, inbox }) => {
  await request.post('/signup', { form: { email: inbox.address } })
  await inbox.waitForEmail({ subject: /Verify/ })
  const positive = await expect(inbox)
    .toReceiveEmail({ subject: /Invoice/ }, { timeout: 300 })
    .then(
      () => '',
      (error: Error) => error.message,
    )
  expect(positive.split('\n').slice(0, 6)).toEqual([
    'expect(inbox).toReceiveEmail({ subject: /Invoice/ }, { timeout: 300 }) failed',
    '',
    `Expected: an email matching { subject: /Invoice/ } at ${inbox.address} within 300 ms`,
    'Received: no matching email',
    '',
    'Arrived for this inbox but did not match:',
  ])
  await request.post('/reset', { form: { email: inbox.address } })
  const negative = await expect(inbox)
    .not.toReceiveEmail({ subject: /Reset/ }, { within: 5000 })
    .then(
      () => '',
      (error: Error) => error.message,
    )
  expect(negative).toMatch(
    /^expect\(inbox\)\.not\.toReceiveEmail\(\{ subject: \/Reset\/ \}, \{ within: 5000 \}\) failed\n\nExpected: not an email matching \{ subject: \/Reset\/ \} at .+ within 5000 ms\nReceived: "Reset your password" from no-reply@signup-app\.test to .+ \(id [\w-]+\)$/,
  )
})

import { expect, test } from '@mailwright/playwright'

// What becomes of an email after the server said 250. In the sandbox the capture inbox accepts every
// message and filters no spam; in staging (Office 365, `pnpm demo:staging`), Exchange returns a
// non-delivery report for an address the tenant does not have, and its anti-spam rule files "prize" mail
// in Junk Email. Each test is written as a team would, asserting the good outcome; in staging it fails as
// expected, and its failure explains why, with the report or the email attached.
const staging = process.env.MAILWRIGHT_ENV === 'staging'
test.use({ mailEvidence: 'always' })

test('an invitation to a mistyped address bounces, and the test that sent it says why', async ({
  mailTransport,
  inbox,
}) => {
  test.fail(staging, 'Exchange bounces mail to nobody@contoso.test: the tenant has no such mailbox (5.1.10)')
  const sent = await mailTransport.send({
    from: 'qa@contoso.test',
    to: [inbox.address, 'nobody@contoso.test'],
    subject: 'You are invited',
    text: 'Join the team.',
  })
  await inbox.waitForEmail({ subject: 'You are invited' })
  await expect(sent).not.toBounce({ within: staging ? 20_000 : 1_000 })
})

test('mail Exchange files in Junk Email fails the test, with the reasons', async ({
  mailTransport,
  inbox,
}) => {
  test.fail(staging, "the staging tenant's anti-spam rule files mail about a prize in Junk Email")
  await mailTransport.send({
    from: 'qa@contoso.test',
    to: inbox.address,
    subject: 'You won a prize',
    text: 'Claim it today.',
  })
  const email = await inbox.waitForEmail({ subject: /prize/ })
  expect(email).not.toBeJunk()
})

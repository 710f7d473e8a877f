import { expect, test } from '@mailwright/playwright'

// 50 tests over two workers, each signing up its own address while the others do the same: every inbox
// must see exactly its own verification email.
for (let i = 0; i < 50; i++) {
  test(`isolation ${i}`, async ({ request, inbox }) => {
    const response = await request.post('/signup', { form: { email: inbox.address } })
    expect(response.ok()).toBe(true)
    const email = await inbox.waitForEmail({ subject: /Verify/ })
    expect(email).toBeSentTo(inbox.address)
    await expect(inbox).not.toReceiveEmail({}, { within: 50 })
    expect(await inbox.emails()).toHaveLength(1)
  })
}

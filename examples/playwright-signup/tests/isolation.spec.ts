import { expect, test } from '@mailwright/playwright'

// 50 tests over two workers, each signing up its own address while the others do the same: every inbox
// must see exactly its own verification email. Every third test's mail server refuses it for good (a
// simulated fault): had a fault reached another test's address, that test's sign-up would fail, and its
// attempts would name the fault.
for (let i = 0; i < 50; i++) {
  test(`isolation ${i}`, async ({ request, inbox }) => {
    const faulted = inbox.canSimulate && i % 3 === 0
    if (faulted) await inbox.simulate({ reply: `550 5.7.1 Refused for isolation ${i}` })
    const response = await request.post('/signup', { form: { email: inbox.address } })
    if (faulted) {
      expect(response.status()).toBe(502)
      expect(await response.text()).toContain(`550 5.7.1 Refused for isolation ${i}`)
      await expect(inbox).toHaveBeenAttempted({ times: 1, last: 'refused' })
      expect(await inbox.emails()).toEqual([])
      return
    }
    expect(response.ok()).toBe(true)
    if (inbox.canSimulate) {
      await expect(inbox).toHaveBeenAttempted({ times: 1, last: 'delivered' })
      expect((await inbox.attempts())[0]?.fault).toBeUndefined()
    }
    const email = await inbox.waitForEmail({ subject: /Verify/ })
    expect(email).toBeSentTo(inbox.address)
    await expect(inbox).not.toReceiveEmail({}, { within: 50 })
    expect(await inbox.emails()).toHaveLength(1)
  })
}

import { expect, test } from '@mailwright/playwright'

// 50 tests over two workers, each signing up its own address while the others do the same: every inbox
// must see exactly its own verification email. Every third test's mail server says "later" once (a
// simulated fault; the app retries): had a fault reached another test's address, that test's attempts
// would show the refusal and name it.
for (let i = 0; i < 50; i++) {
  test(`isolation ${i}`, async ({ request, inbox }) => {
    const faulted = inbox.canSimulate && i % 3 === 0
    if (faulted) await inbox.simulate({ reply: `451 4.7.1 Later, isolation ${i}`, times: 1 })
    const response = await request.post('/signup', { form: { email: inbox.address } })
    expect(response.ok()).toBe(true)
    if (inbox.canSimulate) {
      const attempts = await inbox.attempts()
      expect(attempts.map((a) => [a.outcome, a.reply?.slice(0, 3)])).toEqual(
        faulted
          ? [
              ['refused', '451'],
              ['delivered', '250'],
            ]
          : [['delivered', '250']],
      )
      // A fault names itself on the attempt it acted on, and only there.
      expect(attempts.map((a) => a.fault !== undefined)).toEqual(faulted ? [true, false] : [false])
      if (faulted) expect(attempts[0]?.reply).toBe(`451 4.7.1 Later, isolation ${i}`)
    }
    const email = await inbox.waitForEmail({ subject: /Verify/ })
    expect(email).toBeSentTo(inbox.address)
    await expect(inbox).not.toReceiveEmail({}, { within: 50 })
    expect(await inbox.emails()).toHaveLength(1)
  })
}

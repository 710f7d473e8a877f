import { describe, expect, it } from 'vitest'
import { EmailTimeoutError } from './email-timeout-error.js'
import type { Inbox } from './inbox.js'
import { observeInbox, testWaitDefaults } from './observe-inbox.js'

describe('testWaitDefaults', () => {
  it("gives the environment's timeouts, a wait's capped by what the test has left less a second", () => {
    const timeouts = { email: 10_000, noEmail: 2_000 }
    expect(testWaitDefaults(timeouts, 30_000, 0, 1_000)).toEqual({ timeout: 10_000, within: 2_000 })
    // Vitest's default 5 s test timeout, 500 ms in: the wait gets 3.5 s and fails with its own message.
    expect(testWaitDefaults(timeouts, 5_000, 0, 500)).toEqual({ timeout: 3_500, within: 2_000 })
    // A no-email window is never shortened: it would check less than it claims.
    expect(testWaitDefaults(timeouts, 5_000, 0, 9_000)).toEqual({ timeout: 0, within: 2_000 })
    expect(testWaitDefaults(timeouts, 0, 0, 60_000)).toEqual({ timeout: 10_000, within: 2_000 })
  })
})

describe('observeInbox defaults', () => {
  it('fill a timeout or window only where the call gives none', async () => {
    const seen: unknown[] = []
    const inbox = {
      address: 'a@inbox.test',
      waitForEmail: async (_q: unknown, options: unknown) => {
        seen.push(options)
        throw new EmailTimeoutError({
          address: 'a@inbox.test',
          query: {},
          timeoutMs: 1,
          expected: 1,
          received: 0,
          nearMisses: [],
        })
      },
      expectNoEmail: async (_q: unknown, options: unknown) => {
        seen.push(options)
      },
    } as unknown as Inbox
    const observed = observeInbox(inbox, { defaults: () => ({ timeout: 1234, within: 567 }) })
    await observed.waitForEmail({}).catch(() => {})
    await observed.waitForEmail({}, { timeout: 50 }).catch(() => {})
    await observed.expectNoEmail({})
    await observed.expectNoEmail({}, { within: 5 })
    expect(seen).toEqual([{ timeout: 1234 }, { timeout: 50 }, { within: 567 }, { within: 5 }])
  })
})

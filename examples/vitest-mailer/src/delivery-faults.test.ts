import { test } from '@mailwright/vitest'
import { expect } from 'vitest'
import { createMailer } from './mailer.js'

// The mailer retries what a mail server may take later, with a pause from 200 ms that doubles, and gives
// up at once on a 5xx with a message for the user. Each fault belongs to its test's inbox alone.
const mailer = createMailer({ retryDelayMs: 200 })
const faultTest = test.extend<{ faultable: undefined }>({
  faultable: [
    async ({ inbox, skip }, use) => {
      skip(!inbox.canSimulate, 'simulated faults need the capture inbox (the sandbox)')
      await use(undefined)
    },
    { auto: true },
  ],
})

faultTest('greylisted, then delivered on the retry', async ({ inbox }) => {
  await inbox.simulate({ greylist: { retryAfter: 150 } })
  await mailer.sendWelcome(inbox.address, 'Grey')
  await inbox.waitForEmail({ subject: /Welcome/ })
  await expect(inbox).toHaveBeenAttempted({ times: 2, last: 'delivered', minInterval: 150 })
})

faultTest('throttled by Office 365 twice, then delivered', async ({ inbox }) => {
  await inbox.simulate({ preset: 'office365-throttling', times: 2 })
  await mailer.sendWelcome(inbox.address, 'Busy')
  await inbox.waitForEmail({ subject: /Welcome/ })
  await expect(inbox).toHaveBeenAttempted({ times: 3, last: 'delivered', minInterval: 200 })
})

faultTest('permanently rejected: no retry, and the user is told', async ({ inbox }) => {
  await inbox.simulate({ stage: 'data', reply: '554 5.7.1 Message rejected as spam' })
  await expect(mailer.sendWelcome(inbox.address, 'Nope')).rejects.toThrow(
    `We could not email ${inbox.address}: 554 5.7.1 Message rejected as spam. Check the address.`,
  )
  await expect(inbox).toHaveBeenAttempted({ times: 1, last: 'refused' })
  expect(await inbox.emails()).toEqual([])
})

faultTest('dropped mid-DATA, retried, delivered once', async ({ inbox }) => {
  await inbox.simulate({ stage: 'message', drop: true, times: 1 })
  await mailer.sendWelcome(inbox.address, 'Drop')
  await inbox.waitForEmail({ subject: /Welcome/ })
  expect((await inbox.attempts()).map((a) => a.outcome)).toEqual(['dropped', 'delivered'])
  await expect(inbox).not.toReceiveEmail({}, { within: 200 })
})

faultTest('gives up after its attempts when the server keeps saying later', async ({ inbox }) => {
  await inbox.simulate({ reply: '421 4.3.2 Service not available, closing transmission channel' })
  const quick = createMailer({ attempts: 2, retryDelayMs: 10 })
  await expect(quick.sendWelcome(inbox.address, 'Later')).rejects.toThrow(
    /We could not email .* after 2 tries \(421 4\.3\.2 Service not available/,
  )
  await expect(inbox).toHaveBeenAttempted({ times: 2, last: 'refused' })
  quick.close()
})

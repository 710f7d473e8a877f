import { test } from '@mailwright/vitest'
import { expect } from 'vitest'

// Fails on purpose: the report must carry the capture container's log.
test('waits for an email nobody sends', async ({ inbox }) => {
  await expect(inbox).toReceiveEmail({ subject: /Never/ }, { timeout: 300 })
})

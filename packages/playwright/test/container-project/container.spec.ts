import { execFileSync } from 'node:child_process'
import { expect, test } from '@mailwright/playwright'

// mailTransport sends the way the environment does: into the run's MailDev container.
for (let n = 1; n <= 4; n++) {
  test(`an isolated inbox on the run's MailDev container (${n})`, async ({ inbox, mailTransport }) => {
    const containers = JSON.parse(process.env.MAILWRIGHT_CONTAINERS ?? '{}')
    expect(JSON.parse(containers.containers).server).toBe('maildev')
    await mailTransport.send({ from: 'app@example.com', to: inbox.address, subject: `Hello ${n}`, text: 'x' })
    const email = await inbox.waitForEmail()
    expect(email).toHaveSubject(`Hello ${n}`)
  })
}

test('one container serves both projects', () => {
  const running = execFileSync('docker', ['ps', '-q', '--filter', 'label=dev.mailwright.capture'], {
    encoding: 'utf8',
  })
  expect(running.trim().split('\n').filter(Boolean)).toHaveLength(1)
})

test('fails on purpose: the report carries the container log', async ({ inbox }) => {
  await expect(inbox).toReceiveEmail({ subject: /Never/ }, { timeout: 300 })
})

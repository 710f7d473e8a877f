import { execFileSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { expect, test } from '@mailwright/playwright'

// mailTransport sends the way the environment does: into the run's MailDev container.
for (let n = 1; n <= 4; n++) {
  test(`an isolated inbox on the run's MailDev container (${n})`, async ({ inbox, mailTransport }) => {
    const containers = JSON.parse(process.env.MAILWRIGHT_RUN_INBOXES ?? '{}')
    expect(JSON.parse(containers.containers).server).toBe('maildev')
    await mailTransport.send({ from: 'app@example.com', to: inbox.address, subject: `Hello ${n}`, text: 'x' })
    const email = await inbox.waitForEmail()
    expect(email).toHaveSubject(`Hello ${n}`)
    appendFileSync(
      process.env.CONTAINERS_SEEN as string,
      `${JSON.parse(containers.containers).containerId}\n`,
    )
  })
}

test('every test of both projects uses the one container the global setup started', () => {
  // The test that runs this project checks that all name the same container, and that it is gone after.
  const { containerId } = JSON.parse(JSON.parse(process.env.MAILWRIGHT_RUN_INBOXES ?? '{}').containers)
  const running = execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', containerId], {
    encoding: 'utf8',
  })
  expect(running.trim()).toBe('true')
  appendFileSync(process.env.CONTAINERS_SEEN as string, `${containerId}\n`)
})

test('the app under test (a webServer started before the container) sends to it', async ({
  inbox,
  request,
}) => {
  const response = await request.post(`/invite?to=${encodeURIComponent(inbox.address)}`)
  expect(response.status()).toBe(202)
  const email = await inbox.waitForEmail({ subject: 'You are invited' })
  expect(email).toBeSentFrom('team@app.example')
  expect(email).toHaveLink('https://app.example/join')
  appendFileSync(
    process.env.CONTAINERS_SEEN as string,
    `${JSON.parse(JSON.parse(process.env.MAILWRIGHT_RUN_INBOXES ?? '{}').containers).containerId}\n`,
  )
})

test('fails on purpose: the report carries the container log', async ({ inbox }) => {
  await expect(inbox).toReceiveEmail({ subject: /Never/ }, { timeout: 300 })
})

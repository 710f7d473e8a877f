import { spawnSync } from 'node:child_process'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTRACT_PROFILE, inboxContract } from '../../core/src/inbox-contract.test-util.js'
import { describeWith, dockerImage } from '../../core/src/requirement.test-util.js'
import { CONTAINER_LABEL } from './capture-container.js'
import { MailDevContainer, type StartedMailDevContainer } from './maildev-container.js'
import { connectMailDev } from './maildev-inbox.js'

// MailDev 3, live, in a real container. No registry is reachable here, so the image is the one
// scripts/build-images.sh builds from MailDev's npm package (CI builds it); a laptop without Docker skips,
// CI never does.
const IMAGE = process.env.MAILWRIGHT_MAILDEV_IMAGE ?? 'mailwright/maildev:3.0.0'
const docker = dockerImage(IMAGE)

inboxContract(
  `MailDev (${IMAGE}) in a container`,
  async () => {
    const container = await new MailDevContainer(IMAGE).withSendingProfile(CONTRACT_PROFILE).start()
    return { provider: await container.inboxProvider(), stop: async () => void (await container.stop()) }
  },
  { requires: docker },
)

describeWith(docker)('MailDevContainer', () => {
  let container: StartedMailDevContainer
  beforeAll(async () => {
    container = await new MailDevContainer(IMAGE).start()
  }, 90_000)
  afterAll(async () => {
    await container?.stop()
  })

  it('runs on the host network, bound to 127.0.0.1, labelled for clean-up', () => {
    const inspect = JSON.parse(
      spawnSync('docker', ['inspect', container.getId()], { encoding: 'utf8' }).stdout,
    )[0]
    expect(inspect.HostConfig.NetworkMode).toBe('host')
    expect(inspect.Config.Labels[CONTAINER_LABEL]).toBe('maildev')
    expect(inspect.Config.Env).toContain('MAILDEV_IP=127.0.0.1')
    expect(container.getSmtp().host).toBe('127.0.0.1')
    expect(container.getApiUrl()).toBe(
      `http://127.0.0.1:${inspect.Config.Env.find((e: string) => e.startsWith('MAILDEV_WEB_PORT=')).split('=')[1]}`,
    )
  })

  it('hands out inboxes itself, and its log names the ports it listens on', async () => {
    const inbox = await container.createInbox('direct')
    await nodemailer
      .createTransport({ ...container.getSmtp(), ignoreTLS: true })
      .sendMail({ from: 'a@example.com', to: inbox.address, subject: 'Direct', text: 'x' })
    expect((await inbox.waitForEmail({ subject: 'Direct' }, { timeout: 10_000 })).subject).toBe('Direct')
    const log = await container.logText()
    expect(log).toContain(`Port:    ${container.getSmtpPort()}`)
    expect(log).toContain(container.getApiUrl())
  })

  it("two workers (two adapters on one server) each see only their own inboxes' mail", async () => {
    const [one, two] = await Promise.all([
      connectMailDev(container.getApiUrl(), { smtp: container.getSmtp() }),
      connectMailDev(container.getApiUrl(), { smtp: container.getSmtp() }),
    ])
    const [a, b] = await Promise.all([one.createInbox('worker1'), two.createInbox('worker2')])
    const transport = nodemailer.createTransport({ ...container.getSmtp(), ignoreTLS: true })
    await transport.sendMail({ from: 'a@example.com', to: a.address, subject: 'To worker 1', text: 'x' })
    await transport.sendMail({ from: 'a@example.com', to: b.address, subject: 'To worker 2', text: 'x' })
    expect((await a.waitForEmail({}, { timeout: 10_000 })).subject).toBe('To worker 1')
    expect((await b.waitForEmail({}, { timeout: 10_000 })).subject).toBe('To worker 2')
    expect((await a.emails()).map((e) => e.subject)).toEqual(['To worker 1'])
    await Promise.all([one.close?.(), two.close?.()])
  })
})

describeWith(docker)('MailDev restarts', () => {
  it('the adapter reconnects and reads what arrived while MailDev was away', async () => {
    const container = await new MailDevContainer(IMAGE).start()
    try {
      const inbox = await container.createInbox('restart')
      spawnSync('docker', ['restart', '-t', '1', container.getId()], { stdio: 'ignore' })
      await new Promise((resolve) => setTimeout(resolve, 300))
      // MailDev is back on the same ports; this mail may land before the adapter's socket is back.
      await expect
        .poll(
          () =>
            nodemailer
              .createTransport({ ...container.getSmtp(), ignoreTLS: true })
              .sendMail({ from: 'a@example.com', to: inbox.address, subject: 'After restart', text: 'x' })
              .then(
                () => true,
                () => false,
              ),
          { timeout: 15_000, interval: 200 },
        )
        .toBe(true)
      expect((await inbox.waitForEmail({}, { timeout: 15_000 })).subject).toBe('After restart')
    } finally {
      await container.stop()
    }
  }, 60_000)
})

describeWith(docker)('MailDevContainer errors', () => {
  it('an image that is neither local nor pullable: names the server, the image and what to do', async () => {
    // A registry on a closed loopback port: the engine fails at once, and nothing leaves the machine.
    const error = await new MailDevContainer('127.0.0.1:9/maildev:none').start().catch((e) => e)
    expect(error.detail).toMatch(
      /^Could not start maildev from image 127\.0\.0\.1:9\/maildev:none: .+\. The image must be in the local Docker engine or pullable/,
    )
  })
})

describe('MailDevContainer options', () => {
  it('refuses a port that is not one, before anything starts', () => {
    expect(() => new MailDevContainer(IMAGE).withPorts({ smtp: 70000 })).toThrow(
      'Invalid ports.smtp: 70000. Expected a port number from 1 to 65535 (or leave it out for a free one).',
    )
  })
})

describe('connectMailDev errors', () => {
  it('names the URL and what to check when nothing listens there', async () => {
    const error = await connectMailDev('http://127.0.0.1:9', { smtp: { host: '127.0.0.1', port: 9 } }).catch(
      (e) => e,
    )
    expect(error.message).toMatch(/MailDev.*127\.0\.0\.1:9.*Is MailDev 3 running/)
  })
})

import { spawnSync } from 'node:child_process'
import nodemailer from 'nodemailer'
import { afterAll, describe, expect, it } from 'vitest'
import { CONTRACT_PROFILE, inboxContract } from '../../core/src/inbox-contract.test-util.js'
import { describeWith, dockerImage } from '../../core/src/requirement.test-util.js'
import { CONTAINER_LABEL } from './capture-container.js'
import { MailpitContainer } from './mailpit-container.js'
import { connectMailpit } from './mailpit-inbox.js'
import {
  MAILPIT_SPEC,
  type MailpitSpecServer,
  startMailpitSpecServer,
  validate,
} from './mailpit-spec-server.test-util.js'

// No Mailpit image can be pulled or built on this project's machines, so the adapter is verified against
// Mailpit's own API description (test/fixtures/mailpit-swagger.json): a stand-in serves exactly that
// description and records every request or answer outside it.
let standIn: MailpitSpecServer | undefined
inboxContract('Mailpit adapter against Mailpit v1.30.5 API description', async () => {
  standIn = await startMailpitSpecServer()
  const server = standIn
  const provider = await connectMailpit(server.apiUrl, { smtp: server.smtp, profile: CONTRACT_PROFILE })
  return {
    provider,
    stop: async () => {
      await provider.close?.()
      await server.stop()
    },
  }
})

describe('Mailpit adapter and the API description', () => {
  afterAll(() => {
    // After the contract suite: everything it made the adapter do stayed inside the description.
    expect(standIn?.violations).toEqual([])
  })

  it('the contract run used only described operations, with described parameters', () => {
    expect(standIn).toBeDefined()
    expect(new Set(standIn?.operations)).toEqual(
      new Set(['AppInformation', 'GetMessagesParams', 'GetMessageParams', 'DownloadRawParams']),
    )
  })

  it('reads the mail that arrived before it connected through the described list operation', async () => {
    const server = await startMailpitSpecServer()
    const transport = nodemailer.createTransport({ ...server.smtp, ignoreTLS: true, pool: true })
    for (let n = 1; n <= 3; n++)
      await transport.sendMail({
        from: 'a@example.com',
        to: `early+x${n}@inbox.test`,
        subject: `Early ${n}`,
        text: 'x',
      })
    const provider = await connectMailpit(server.apiUrl, { smtp: server.smtp })
    expect(server.operations).toContain('GetMessagesParams')
    expect(server.operations.filter((o) => o === 'DownloadRawParams')).toHaveLength(3)
    expect(server.violations).toEqual([])
    transport.close()
    await provider.close?.()
    await server.stop()
  })

  it('listens again after losing the websocket, and reads what arrived meanwhile', async () => {
    const server = await startMailpitSpecServer()
    const provider = await connectMailpit(server.apiUrl, { smtp: server.smtp })
    const inbox = await provider.createInbox('reconnect')
    server.dropEventClients()
    // Sent while no websocket is open: no event reaches the adapter for it.
    const transport = nodemailer.createTransport({ ...server.smtp, ignoreTLS: true })
    await transport.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'While away', text: 'x' })
    expect((await inbox.waitForEmail({}, { timeout: 10_000 })).subject).toBe('While away')
    await transport.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'After', text: 'x' })
    expect((await inbox.waitForEmail({ subject: 'After' }, { timeout: 10_000 })).subject).toBe('After')
    expect(server.eventConnections).toBe(2)
    expect(server.violations).toEqual([])
    await provider.close?.()
    await server.stop()
  })

  it('the checker is strict: an answer outside the description is a violation', () => {
    const summary = MAILPIT_SPEC.definitions.MessagesSummary as never
    expect(validate({ total: 1, messages: [{ ID: 7 }] }, summary, '$')).toEqual([
      '$.messages[0].ID: 7 is not string',
    ])
    expect(validate({ total: 1, count: 1 }, summary, '$')).toEqual(['$.count: not in the description'])
    expect(validate({ messages: [{ Created: 'yesterday' }] }, summary, '$')).toEqual([
      '$.messages[0].Created: "yesterday" is not a date-time',
    ])
  })

  it('a server that is not Mailpit gets an error naming the URL and what to check', async () => {
    const error = await connectMailpit('http://127.0.0.1:9', { smtp: { host: '127.0.0.1', port: 9 } }).catch(
      (e) => e,
    )
    expect(error.message).toMatch(/Could not reach Mailpit at GET http:\/\/127\.0\.0\.1:9\/api\/v1\/info/)
  })
})

// MailpitContainer itself (host network, MP_* variables, the `mailpit readyz` wait, logs), run for real with
// the stand-in installed as /mailpit in an image scripts/build-images.sh builds. Not Mailpit: it proves the
// container plumbing and the adapter against the description, nothing about Mailpit's own behaviour.
const STANDIN = 'mailwright/mailpit-standin:test'
const standInImage = dockerImage(STANDIN)

let standInLog: string | undefined
inboxContract(
  'MailpitContainer running the API-description stand-in',
  async () => {
    const container = await new MailpitContainer(STANDIN).withSendingProfile(CONTRACT_PROFILE).start()
    return {
      provider: await container.inboxProvider(),
      stop: async () => {
        standInLog = await container.logText()
        await container.stop()
      },
    }
  },
  { requires: standInImage },
)

describeWith(standInImage)('MailpitContainer', () => {
  it("runs on the host network with Mailpit's variables on 127.0.0.1, labelled, and its log shows no violation", async () => {
    const container = await new MailpitContainer(STANDIN).start()
    try {
      const inspect = JSON.parse(
        spawnSync('docker', ['inspect', container.getId()], { encoding: 'utf8' }).stdout,
      )[0]
      expect(inspect.HostConfig.NetworkMode).toBe('host')
      expect(inspect.Config.Labels[CONTAINER_LABEL]).toBe('mailpit')
      expect(inspect.Config.Env).toContain(`MP_SMTP_BIND_ADDR=127.0.0.1:${container.getSmtpPort()}`)
      expect(inspect.Config.Env).toContain(`MP_UI_BIND_ADDR=${container.getApiUrl().replace('http://', '')}`)
      const inbox = await container.createInbox('plumbing')
      await nodemailer
        .createTransport({ ...container.getSmtp(), ignoreTLS: true })
        .sendMail({ from: 'a@example.com', to: inbox.address, subject: 'Via the container', text: 'x' })
      expect((await inbox.waitForEmail({}, { timeout: 10_000 })).subject).toBe('Via the container')
      const log = await container.logText()
      expect(log).toContain(`[smtpd] starting on 127.0.0.1:${container.getSmtpPort()}`)
      expect(log).not.toContain('VIOLATION')
    } finally {
      await container.stop()
    }
  }, 60_000)

  it('the contract run asked its container nothing outside the API description', () => {
    // Runs after the contract suite above, whose teardown kept the container's log.
    expect(standInLog).toContain('[http] accessible via http://127.0.0.1:')
    expect(standInLog).not.toContain('VIOLATION')
  })
})

// A real Mailpit, where one can be had: set MAILWRIGHT_MAILPIT_IMAGE to an image present in the local engine
// (this project's CI cannot; docs/containers.md says so).
const liveImage = process.env.MAILWRIGHT_MAILPIT_IMAGE
if (liveImage && spawnSync('docker', ['image', 'inspect', liveImage], { stdio: 'ignore' }).status === 0) {
  inboxContract(`Mailpit (${liveImage}) in a container`, async () => {
    const container = await new MailpitContainer(liveImage).withSendingProfile(CONTRACT_PROFILE).start()
    return { provider: await container.inboxProvider(), stop: async () => void (await container.stop()) }
  })
}

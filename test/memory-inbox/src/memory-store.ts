import { randomUUID } from 'node:crypto'
import {
  type MailTransport,
  type OutgoingEmail,
  parseEmail,
  type SendingProfile,
  type SendResult,
} from '@mailwright/core'
import { computeEmailAuth, EmailFeed } from '@mailwright/core/plugin'
import nodemailer from 'nodemailer'

/** Every email the `memory` transport sent in this process, pushed to the waits of the `memory` inbox. */
export const memoryFeed = new EmailFeed()

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true })

/** The sending profile verdicts are judged with (the environment's, set when an inbox connects). */
export const memoryProfile: { current?: SendingProfile } = {}

/** A transport that delivers into {@link memoryFeed}, as an SMTP server would: raw bytes, then parsed. */
export function memoryTransport(): MailTransport {
  return {
    description: 'memory',
    async send(email: OutgoingEmail): Promise<SendResult> {
      const info = (await composer.sendMail(email)) as unknown as {
        message: Buffer
        envelope: { from: string; to: string[] }
        messageId: string
      }
      const raw = email.raw === undefined ? info.message : Buffer.from(email.raw)
      const envelope = email.envelope ?? info.envelope
      const meta = { mailFrom: envelope.from, rcptTo: envelope.to }
      const profile = memoryProfile.current
      const auth = profile ? await computeEmailAuth(raw, meta, profile) : undefined
      memoryFeed.add(
        await parseEmail(raw, { id: randomUUID(), envelope: meta, receivedAt: new Date(), auth }),
      )
      return { response: '250 2.0.0 kept in memory', messageId: info.messageId, recipients: envelope.to }
    },
    close: async () => {},
  }
}

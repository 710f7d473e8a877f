import nodemailer from 'nodemailer'
import { describe, expect, it } from 'vitest'
import { budget } from '../../core/src/time-budget.test-util.js'
import { startInboxServer } from './start-inbox-server.js'

// Bounded load: 8 connections × 300 messages on loopback, a few seconds at most.
const CONNECTIONS = 8
const PER_CONNECTION = 300
const INBOXES = 16

describe('load', () => {
  it(
    `every message acknowledged with 250 is retrievable exactly once, in the right inbox (${CONNECTIONS}×${PER_CONNECTION})`,
    async () => {
      await using server = await startInboxServer({ httpPort: false })
      const inboxes = Array.from({ length: INBOXES }, (_, i) => server.createInbox({ name: `load${i}` }))
      const total = CONNECTIONS * PER_CONNECTION
      const perInbox = total / INBOXES
      // Waits are registered before the flood, so they are woken while it goes on.
      const waits = inboxes.map((inbox) => inbox.waitForEmails(perInbox, {}, { timeout: budget(60_000) }))
      const transports = Array.from({ length: CONNECTIONS }, () =>
        nodemailer.createTransport({
          host: '127.0.0.1',
          port: server.smtp.port,
          pool: true,
          maxConnections: 1,
          maxMessages: Number.POSITIVE_INFINITY,
          ignoreTLS: true,
        }),
      )
      const accepted: string[] = []
      await Promise.all(
        transports.map(async (transport, c) => {
          for (let m = 0; m < PER_CONNECTION; m++) {
            const seq = c * PER_CONNECTION + m
            const info = await transport.sendMail({
              from: 'load@example.com',
              to: (inboxes[seq % INBOXES] as (typeof inboxes)[number]).address,
              subject: `load ${seq}`,
              text: `message ${seq} ${'x'.repeat(4000)}`,
            })
            if (/^250 /.test(info.response)) accepted.push(String(seq))
          }
          transport.close()
        }),
      )
      expect(accepted).toHaveLength(total)
      const delivered = await Promise.all(waits)
      const seen = new Set<string>()
      delivered.forEach((emails, i) => {
        expect(emails).toHaveLength(perInbox)
        for (const email of emails) {
          const seq = email.subject.replace('load ', '')
          expect(Number(seq) % INBOXES).toBe(i)
          expect(seen.has(seq)).toBe(false)
          seen.add(seq)
        }
      })
      expect(seen.size).toBe(total)
      for (const inbox of inboxes) expect(await inbox.emails()).toHaveLength(perInbox)
      expect(server.stats()).toMatchObject({ received: total, emails: total, evicted: { total: 0 } })
    },
    budget(90_000),
  )
})

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Inbox, SendingProfile } from '@mailwright/core'
import { generateDkimKey, zoneResolver } from '@mailwright/core/testing'
import { type StartedInboxServer, startInboxServer } from '@mailwright/inbox-server'
import { test as base, type Page } from '@playwright/test'
import nodemailer, { type SendMailOptions } from 'nodemailer'

/** Another origin on loopback that records every request: what a "remote" image or link would reach. */
export interface RemoteSite {
  origin: string
  hits: string[]
  /** The Referer of every request that carried one (none should: the preview's address stays private). */
  referrers: string[]
}

interface WorkerFixtures {
  server: StartedInboxServer
  /** The sending profile the capture judges with (production IP and an offline zone for example.com). */
  profile: SendingProfile
  remote: RemoteSite
  dkimKey: ReturnType<typeof generateDkimKey>
}

interface TestFixtures {
  /** A unique inbox of this test, served in process by the worker's capture server. */
  inbox: Inbox
  /** Sends an email into the capture over SMTP (nodemailer options; `to` defaults to {@link inbox}). */
  send(options: SendMailOptions & { sign?: boolean }): Promise<void>
  /** Opens the UI and waits until its live stream is connected. */
  openUi(hash?: string): Promise<Page>
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
  dkimKey: [async ({}, use) => use(generateDkimKey()), { scope: 'worker' }],
  // The sending profile makes the capture judge SPF, DKIM and DMARC, so the UI has verdicts to show.
  profile: [
    async ({ dkimKey }, use) =>
      use({
        ip: '203.0.113.10',
        dns: zoneResolver({
          'example.com': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
          's1._domainkey.example.com': { TXT: [dkimKey.record] },
          '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
          'spoofed.test': { TXT: ['v=spf1 -all'] },
          '_dmarc.spoofed.test': { TXT: ['v=DMARC1; p=quarantine'] },
        }),
      }),
    { scope: 'worker' },
  ],
  server: [
    async ({ profile }, use) => {
      const server = await startInboxServer({ sendingProfile: profile })
      await use(server)
      await server.stop()
    },
    { scope: 'worker' },
  ],
  remote: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
    async ({}, use) => {
      const hits: string[] = []
      const referrers: string[] = []
      const site: Server = createServer((req, res) => {
        hits.push(req.url ?? '')
        if (req.headers.referer) referrers.push(`${req.url} ← ${req.headers.referer}`)
        res.writeHead(200, { 'content-type': 'image/gif' })
        res.end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'))
      })
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
      await use({ origin: `http://127.0.0.1:${(site.address() as AddressInfo).port}`, hits, referrers })
      site.closeAllConnections()
      await new Promise((resolve) => site.close(resolve))
    },
    { scope: 'worker' },
  ],
  inbox: async ({ server }, use, testInfo) => {
    const name = testInfo.title
      .replace(/[^A-Za-z0-9]+/g, '-')
      .slice(0, 30)
      .replace(/^-|-$/g, '')
    await use(server.createInbox({ name: name || 'ui' }))
  },
  send: async ({ server, inbox, dkimKey }, use) => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtp.port,
      ignoreTLS: true,
      name: 'app.example',
    })
    const signed = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtp.port,
      ignoreTLS: true,
      name: 'app.example',
      dkim: { domainName: 'example.com', keySelector: 's1', privateKey: dkimKey.privateKey },
    })
    await use(async ({ sign, ...options }) => {
      await (sign ? signed : transport).sendMail({
        from: 'no-reply@example.com',
        to: inbox.address,
        ...options,
      })
    })
    transport.close()
    signed.close()
  },
  openUi: async ({ page, server }, use) => {
    await use(async (hash = '') => {
      await page.goto(`${server.url}/${hash}`)
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor()
      return page
    })
  },
})

export { expect } from '@playwright/test'

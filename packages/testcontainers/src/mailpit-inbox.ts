import { type InboxProvider, MailwrightError } from '@mailwright/core'
import { EmailFeed } from '@mailwright/core/plugin'
import {
  type ContainerInboxOptions,
  emailFromRaw,
  feedInboxProvider,
  fetchFrom,
} from './feed-inbox-provider.js'

interface MailpitAddress {
  Address?: string
}
interface MailpitSummary {
  ID: string
  Created?: string
}
interface MailpitMessage {
  ID: string
  ReturnPath?: string
  To?: MailpitAddress[] | null
  Cc?: MailpitAddress[] | null
  Bcc?: MailpitAddress[] | null
  Date?: string
}

const PAGE = 250

/**
 * Inboxes on a running Mailpit (REST API `/api/v1`, websocket `/api/events`): each test gets its own address
 * on the one shared mailbox, and a wait resolves when Mailpit announces a matching email (`new` event),
 * never by polling. Emails are rebuilt from Mailpit's raw copy (`/message/{ID}/raw`); Mailpit lists envelope
 * recipients missing from the headers as Bcc, so To, Cc and Bcc together are the recipients. Verdicts are
 * computed from the `profile`, as Mailpit computes none.
 *
 * @example
 * const provider = await connectMailpit(container.getApiUrl(), { smtp: container.getSmtp() })
 * const inbox = await provider.createInbox('signup')
 */
export async function connectMailpit(url: string, options: ContainerInboxOptions): Promise<InboxProvider> {
  const base = url.replace(/\/+$/, '')
  const api = `${base}/api/v1`
  const feed = new EmailFeed()
  const take = (id: string, created?: string) =>
    feed.track(async () => {
      if (feed.has(id)) return
      const enc = encodeURIComponent(id)
      const [message, raw] = await Promise.all([
        fetchFrom('Mailpit', `${api}/message/${enc}`, 'json') as Promise<MailpitMessage>,
        fetchFrom('Mailpit', `${api}/message/${enc}/raw`, 'raw') as Promise<Buffer>,
      ])
      const rcptTo = [...(message.To ?? []), ...(message.Cc ?? []), ...(message.Bcc ?? [])]
        .map((a) => (a.Address ?? '').toLowerCase())
        .filter(Boolean)
      const envelope = { mailFrom: message.ReturnPath ?? '', rcptTo }
      const receivedAt = new Date(created ?? message.Date ?? Date.now())
      feed.add(await emailFromRaw(raw, { id, envelope, receivedAt }, options.profile))
    })

  // Newest first, page by page, down to the first email already taken: what arrived while not listening.
  const catchUp = async () => {
    const missed: MailpitSummary[] = []
    for (let start = 0; ; start += PAGE) {
      const page = (await fetchFrom('Mailpit', `${api}/messages?start=${start}&limit=${PAGE}`, 'json')) as {
        messages?: MailpitSummary[] | null
      }
      const messages = page.messages ?? []
      const known = messages.findIndex((m) => feed.has(m.ID))
      missed.push(...(known === -1 ? messages : messages.slice(0, known)))
      if (known !== -1 || messages.length < PAGE) break
    }
    for (const summary of missed.reverse()) void take(summary.ID, summary.Created)
    await feed.settled()
  }

  await fetchFrom('Mailpit', `${api}/info`, 'json')
  const events = `${base.replace(/^http/, 'ws')}/api/events`
  let closed = false
  let socket: WebSocket | undefined
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      socket = new WebSocket(events)
      socket.addEventListener('message', (event) => {
        let parsed: { Type?: string; Data?: MailpitSummary }
        try {
          parsed = JSON.parse(String(event.data))
        } catch {
          return
        }
        if (parsed.Type === 'new' && parsed.Data?.ID) void take(parsed.Data.ID, parsed.Data.Created)
      })
      socket.addEventListener('open', () => resolve(), { once: true })
      socket.addEventListener(
        'error',
        () =>
          reject(
            new MailwrightError(
              'CONTAINER_INBOX',
              `Could not open Mailpit's event websocket at ${events}. Is Mailpit running there (its web UI/API listener, MP_UI_BIND_ADDR)?`,
            ),
          ),
        { once: true },
      )
      // Lost (Mailpit restarted, a proxy timed out): listen again, then read what was missed meanwhile.
      socket.addEventListener('close', () => {
        if (!closed) setTimeout(reconnect, 200)
      })
    })
  const reconnect = () => {
    if (closed) return
    listen().then(
      () => catchUp().catch(() => {}),
      () => {},
    )
  }
  await listen().catch((error: Error) => {
    closed = true
    throw error
  })
  try {
    await catchUp()
  } catch (error) {
    closed = true
    socket?.close()
    throw error
  }
  return feedInboxProvider(feed, base, options, async () => {
    closed = true
    socket?.close()
  })
}

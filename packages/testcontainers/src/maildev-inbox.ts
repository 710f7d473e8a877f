import { type InboxProvider, MailwrightError } from '@mailwright/core'
import { EmailFeed } from '@mailwright/core/plugin'
import { io } from 'socket.io-client'
import {
  type ContainerInboxOptions,
  emailFromRaw,
  feedInboxProvider,
  fetchFrom,
} from './feed-inbox-provider.js'

// MailDev's largest summary page (MAX_PAGE_SIZE in @maildev/api).
const PAGE = 200

interface MailDevEmail {
  id: string
  time: string
  envelope?: {
    from?: { address?: string }
    to?: { address?: string }[]
    host?: string
    remoteAddress?: string
  }
}

/**
 * Inboxes on a running MailDev 3 (its REST API under `/api` and its socket.io events): each test gets its
 * own address on the one shared mailbox, and a wait resolves when MailDev announces a matching email
 * (`newMail`), never by polling. Emails are rebuilt from MailDev's raw copy, so every matcher works;
 * verdicts are computed from the `profile`, as MailDev computes none.
 *
 * @example
 * const provider = await connectMailDev(container.getApiUrl(), { smtp: container.getSmtp() })
 * const inbox = await provider.createInbox('signup')
 */
export async function connectMailDev(url: string, options: ContainerInboxOptions): Promise<InboxProvider> {
  const base = url.replace(/\/+$/, '')
  const api = `${base}/api`
  const feed = new EmailFeed()
  const take = (id: string, announcedAt?: Date) =>
    feed.track(async () => {
      if (feed.has(id)) return
      const enc = encodeURIComponent(id)
      const [email, raw] = await Promise.all([
        fetchFrom('MailDev', `${api}/email/${enc}`, 'json') as Promise<MailDevEmail>,
        fetchFrom('MailDev', `${api}/email/${enc}/source`, 'raw') as Promise<Buffer>,
      ])
      const envelope = {
        mailFrom: email.envelope?.from?.address ?? '',
        rcptTo: (email.envelope?.to ?? []).map((a) => (a.address ?? '').toLowerCase()),
        heloName: email.envelope?.host,
        clientAddress: email.envelope?.remoteAddress,
      }
      // MailDev keeps whole seconds only; the announcement's own instant is the finer (same-clock) time.
      const receivedAt = announcedAt ?? new Date(email.time)
      feed.add(await emailFromRaw(raw, { id, envelope, receivedAt }, options.profile))
    })

  // Newest first, page by page, down to the first email already taken: what arrived while not listening.
  const catchUp = async () => {
    const missed: string[] = []
    for (let skip = 0; ; skip += PAGE) {
      const page = (await fetchFrom(
        'MailDev',
        `${api}/email/summary?sort=desc&skip=${skip}&limit=${PAGE}`,
        'json',
      )) as { items?: { id: string }[] }
      const items = page.items ?? []
      const known = items.findIndex((m) => feed.has(m.id))
      missed.push(...(known === -1 ? items : items.slice(0, known)).map((m) => m.id))
      if (known !== -1 || items.length < PAGE) break
    }
    for (const id of missed.reverse()) void take(id)
    await feed.settled()
  }

  // Listen first, then read what is already there: an email that lands in between is seen by both and
  // taken once. socket.io reconnects by itself; each reconnection reads what was missed meanwhile.
  const socket = io(base, { path: '/socket.io', transports: ['websocket'], reconnectionDelay: 100 })
  socket.on('newMail', (summary: { id: string }) => void take(summary.id, new Date()))
  await new Promise<void>((resolve, reject) => {
    // Only the first connection's failure is fatal; later ones are socket.io's to retry.
    const failed = (error: Error) => {
      socket.close()
      reject(
        new MailwrightError(
          'CONTAINER_INBOX',
          `Could not open MailDev's event stream at ${base}/socket.io: ${error.message}. Is MailDev 3 running there with its web API enabled?`,
        ),
      )
    }
    socket.once('connect_error', failed)
    socket.once('connect', () => {
      socket.off('connect_error', failed)
      resolve()
    })
  })
  try {
    await catchUp()
  } catch (error) {
    socket.close()
    throw error
  }
  socket.on('connect', () => void catchUp().catch(() => {}))
  // MailDev closes its sockets when it shuts down ("io server disconnect"), after which socket.io does not
  // retry by itself; a restarted MailDev is then listened to again.
  let closed = false
  socket.on('disconnect', (reason: string) => {
    if (reason === 'io server disconnect' && !closed) setTimeout(() => socket.connect(), 200)
  })
  return feedInboxProvider(feed, base, options, async () => {
    closed = true
    socket.close()
  })
}

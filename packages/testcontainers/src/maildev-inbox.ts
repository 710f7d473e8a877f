import { EmailFeed, type InboxProvider, MailwrightError } from '@mailwright/core'
import { io } from 'socket.io-client'
import {
  type ContainerInboxOptions,
  emailFromRaw,
  feedInboxProvider,
  fetchFrom,
} from './feed-inbox-provider.js'

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

  // Listen first, then read what is already there: an email that lands in between is seen by both and
  // taken once.
  const socket = io(base, { path: '/socket.io', transports: ['websocket'], reconnectionDelay: 100 })
  socket.on('newMail', (summary: { id: string }) => void take(summary.id, new Date()))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', (error: Error) => {
      socket.close()
      reject(
        new MailwrightError(
          'CONTAINER_INBOX',
          `Could not open MailDev's event stream at ${base}/socket.io: ${error.message}. Is MailDev 3 running there with its web API enabled?`,
        ),
      )
    })
  })
  try {
    for (const email of (await fetchFrom('MailDev', `${api}/email`, 'json')) as MailDevEmail[]) take(email.id)
    await feed.settled()
  } catch (error) {
    socket.close()
    throw error
  }
  return feedInboxProvider(feed, base, options, async () => {
    socket.close()
  })
}

import {
  type InboxProvider,
  MailwrightError,
  parseEmail,
  type Secret,
  type SendingProfile,
} from '@mailwright/core'
import { addressesOf, parseHeaders, receivedEmailAuth, type TrustedReceiver } from '@mailwright/core/internal'
import { EmailFeed, inboxAddress, inboxFromBackend } from '@mailwright/core/plugin'

/** Options of {@link connectImapInbox}. */
export interface ImapInboxOptions {
  host: string
  port?: number
  /** Implicit TLS (993). Without it STARTTLS is required before the login. */
  secure?: boolean
  /**
   * Log in even when the server offers no STARTTLS, sending the password or token in clear text: only for
   * a test server on a network you trust. Default false: the connection fails before any credential is sent.
   */
  allowPlaintextAuth?: boolean
  /** The mailbox login, also the base address for plus addressing unless `address` says otherwise. */
  user: string
  password?: Secret
  /** XOAUTH2 instead of a password (e.g. a token for https://outlook.office365.com/.default). */
  accessToken?: Secret
  /** The base address inboxes are made on. Default `user`. */
  address?: string
  tls?: { ca?: string; servername?: string; rejectUnauthorized?: boolean }
  trusted?: TrustedReceiver
  profile?: SendingProfile
}

/** An IMAP-backed inbox provider; close() logs out. */
export interface ImapInboxProvider extends InboxProvider {
  close(): Promise<void>
}

/**
 * Inboxes on one real mailbox read over IMAP (imapflow): the server tells of new mail while the client
 * IDLEs, so waits are pushed, not polled. Each test gets a plus address on the mailbox; an email belongs to
 * it when its To, Cc or Delivered-To names it. Emails are rebuilt from their MIME, verdicts from the
 * receiver's trusted Authentication-Results (or computed from the profile).
 *
 * @example
 * const provider = await connectImapInbox({ host: 'outlook.office365.com', port: 993, secure: true, user: 'qa@contoso.com', accessToken })
 */
export async function connectImapInbox(options: ImapInboxOptions): Promise<ImapInboxProvider> {
  const { ImapFlow } = await import('imapflow')
  const auth = options.accessToken
    ? { user: options.user, accessToken: options.accessToken.reveal() }
    : { user: options.user, pass: options.password?.reveal() ?? '' }
  const client = new ImapFlow({
    host: options.host,
    port: options.port ?? (options.secure ? 993 : 143),
    secure: options.secure ?? false,
    // Without implicit TLS, a missing STARTTLS fails the connection before LOGIN instead of logging in
    // in clear text (imapflow's opportunistic default).
    ...(options.secure || options.allowPlaintextAuth ? {} : { doSTARTTLS: true }),
    auth,
    logger: false,
    tls: options.tls,
    // IDLE right after each command: new mail is announced at once (imapflow waits 15 s by default).
    autoIdleDelay: 50,
  })
  try {
    await client.connect()
    await client.mailboxOpen('INBOX')
  } catch (error) {
    if (!options.secure && !options.allowPlaintextAuth && (error as { tlsFailed?: boolean }).tlsFailed) {
      throw new MailwrightError(
        'IMAP',
        `Did not log in to ${options.host}:${options.port ?? 143} as ${options.user}: the server offers no STARTTLS, so the ${options.accessToken ? 'token' : 'password'} would travel in clear text, and nothing was sent. Use implicit TLS (secure: true, port 993) or a server with STARTTLS; only for a test server on a network you trust, set allowPlaintextAuth: true.`,
      )
    }
    throw new MailwrightError(
      'IMAP',
      `Could not open INBOX of ${options.user} at ${options.host}:${options.port ?? ''}: ${(error as { responseText?: string }).responseText ?? (error as Error).message}. Check the host, port, TLS and credentials (for Office 365: IMAP.AccessAsApp, the service principal and FullAccess).`,
    )
  }
  const backend = new ImapBackend(client, options)
  await backend.start()
  const mailbox = (options.address ?? options.user).toLowerCase()
  return {
    url: undefined,
    smtp: { host: options.host, port: 587 },
    description: `IMAP mailbox ${mailbox} at ${options.host}`,
    createInbox: async (name = 'test') => inboxFromBackend(inboxAddress(name, mailbox), backend.feed),
    close: async () => {
      await client.logout().catch(() => {})
    },
  }
}

type Client = InstanceType<typeof import('imapflow').ImapFlow>

class ImapBackend {
  readonly feed = new EmailFeed()
  readonly #client: Client
  readonly #options: ImapInboxOptions
  #lastUid = 0

  constructor(client: Client, options: ImapInboxOptions) {
    this.#client = client
    this.#options = options
  }

  async start(): Promise<void> {
    // The server announces new messages (EXISTS) during IDLE; each announcement fetches what is new.
    this.#client.on('exists', () => {
      void this.feed.track(() => this.#fetchNew())
    })
    await this.feed.track(() => this.#fetchNew())
    await this.feed.settled()
  }

  async #fetchNew(): Promise<void> {
    for await (const message of this.#client.fetch(
      `${this.#lastUid + 1}:*`,
      { uid: true, source: true, internalDate: true },
      { uid: true },
    )) {
      if (message.uid <= this.#lastUid || !message.source) continue
      this.#lastUid = message.uid
      const raw = Buffer.from(message.source)
      const headers = parseHeaders(raw).headers
      const rcptTo = ['to', 'cc', 'delivered-to'].flatMap((h) =>
        addressesOf(headers, h).map((a) => a.address.toLowerCase()),
      )
      // The delivery agent records MAIL FROM as Return-Path (RFC 5321 4.4): SPF needs it.
      const mailFrom = addressesOf(headers, 'return-path')[0]?.address ?? ''
      const envelope = { mailFrom, rcptTo }
      const auth = await receivedEmailAuth(raw, envelope, {
        trusted: this.#options.trusted ?? {},
        profile: this.#options.profile,
      })
      // INTERNALDATE has whole seconds (RFC 3501 2.3.3): an email delivered in the second a test made its
      // inbox would seem to predate the inbox and drop out of its near misses. The end of that second, or
      // now if sooner, is when it may have arrived.
      const internalDate = new Date(
        Math.min(
          Date.now(),
          (message.internalDate instanceof Date ? message.internalDate.getTime() : Date.now()) + 999,
        ),
      )
      this.feed.add(
        await parseEmail(raw, { id: `imap-${message.uid}`, envelope, receivedAt: internalDate, auth }),
      )
    }
  }
}

import {
  type CapturedEmail,
  type EmailQuery,
  type InboxProvider,
  MailwrightError,
  type NearMiss,
  parseDeliveryReport,
  parseEmail,
  type SendingProfile,
} from '@mailwright/core'
import { explainMismatch, nearMiss, receivedEmailAuth, type TrustedReceiver } from '@mailwright/core/internal'
import {
  type InboxBackend,
  inboxAddress,
  inboxFromBackend,
  type WaitRequest,
  type WaitResult,
} from '@mailwright/core/plugin'
import { graphRequest } from './graph-request.js'
import { type ClientCredentials, createTokenProvider } from './token-provider.js'

/** Options of {@link connectGraphInbox}. */
export interface GraphInboxOptions {
  /** The test mailbox; each test gets `<local>+<name>-<id>@<domain>` on it (plus addressing). */
  mailbox: string
  credentials: ClientCredentials
  /** Default https://graph.microsoft.com; the emulator's URL offline. */
  graphUrl?: string
  /** How often Graph is asked for new mail, in ms. Default 2,000. */
  pollMs?: number
  /** Whose Authentication-Results count. Default: Exchange Online's own. */
  trusted?: TrustedReceiver
  /** The sending side's profile, to compute a verdict when Exchange stamped none (intra-tenant mail). */
  profile?: SendingProfile
}

interface GraphMessage {
  id: string
  receivedDateTime: string
  toRecipients?: Array<{ emailAddress: { address: string } }>
  parentFolderId?: string
}

/**
 * Inboxes on a real (or emulated) Office 365 mailbox, read through Microsoft Graph with application
 * permissions (Mail.Read). New mail is found with `receivedDateTime` filters — Graph offers push only to a
 * public webhook, so this back end asks every `pollMs` — and matched on the plus address. Each email is
 * rebuilt from its MIME (`$value`), so every matcher works unchanged, with the verdict Exchange stamped.
 *
 * @example
 * const provider = await connectGraphInbox({ mailbox: 'qa@contoso.com', credentials })
 * const inbox = await provider.createInbox('signup')
 */
export async function connectGraphInbox(options: GraphInboxOptions): Promise<InboxProvider> {
  const mailbox = options.mailbox.toLowerCase()
  const backend = new GraphBackend(options)
  return {
    url: undefined,
    smtp: { host: 'smtp.office365.com', port: 587 },
    createInbox: async (name = 'test') =>
      inboxFromBackend(inboxAddress(name, mailbox), backend, {
        timeout: 120_000,
        noEmailWindow: 30_000,
      }),
    description: `Graph mailbox ${mailbox}`,
    // Non-delivery reports come back to the mailbox that sent: `toBounce` looks for them here.
    deliveryReports: async (since) =>
      (await backend.emailsSince(since)).filter((email) => parseDeliveryReport(email) !== undefined),
  }
}

class GraphBackend implements InboxBackend {
  readonly #options: GraphInboxOptions
  readonly #tokens
  readonly #base: string
  readonly #emails = new Map<string, Promise<CapturedEmail>>()
  /** The well-known folders' ids (Graph's ids are opaque): to skip Sent Items and name Junk Email. */
  #folders: Promise<Map<string, string>> | undefined

  constructor(options: GraphInboxOptions) {
    this.#options = options
    this.#tokens = createTokenProvider(options.credentials)
    this.#base = `${(options.graphUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '')}/v1.0/users/${encodeURIComponent(options.mailbox)}`
  }

  async list(address: string, query: EmailQuery, since = new Date(0)): Promise<CapturedEmail[]> {
    // Clocks differ a little between here and Exchange: look a few seconds before the inbox was made.
    const emails = await this.#emailsFor(address, new Date(since.getTime() - 5_000))
    return emails.filter((e) => explainMismatch(query, e).length === 0)
  }

  async wait(request: WaitRequest, signal: AbortSignal): Promise<WaitResult> {
    const deadline = Date.now() + request.timeoutMs
    const exclude = new Set(request.exclude)
    // Clocks differ a little between here and Exchange: look a few seconds before the inbox was made.
    const since = new Date(request.notBefore.getTime() - 5_000)
    for (;;) {
      const found = (await this.#emailsFor(request.address, since)).filter(
        (e) => !exclude.has(e.id) && explainMismatch(request.query, e).length === 0,
      )
      if (found.length >= request.count) return { status: 'ok', emails: found.slice(0, request.count) }
      if (Date.now() >= deadline) {
        return {
          status: 'timeout',
          received: found.length,
          nearMisses: await this.#nearMisses(request, since, exclude),
        }
      }
      await sleep(Math.min(this.#options.pollMs ?? 2000, Math.max(0, deadline - Date.now())), signal)
    }
  }

  async #nearMisses(request: WaitRequest, since: Date, exclude: Set<string>): Promise<NearMiss[]> {
    const all = await this.#emailsIn(since)
    const address = request.address.toLowerCase()
    const mine = all.filter((e) => e.envelope.rcptTo.includes(address))
    const misses: NearMiss[] = []
    for (const email of mine) {
      const reasons = explainMismatch(request.query, email)
      if (reasons.length) misses.push(nearMiss('this-inbox', email, reasons))
      else if (exclude.has(email.id)) misses.push(nearMiss('already-returned', email, []))
    }
    for (const email of all) {
      if (!mine.includes(email) && explainMismatch(request.query, email, ['to']).length === 0)
        misses.push(nearMiss('other-address', email, []))
    }
    return misses.slice(-20)
  }

  /** Every email received since then, to any address of the mailbox. */
  emailsSince(since: Date): Promise<CapturedEmail[]> {
    return this.#emailsIn(since)
  }

  async #emailsFor(address: string, since: Date): Promise<CapturedEmail[]> {
    const target = address.toLowerCase()
    return (await this.#emailsIn(since)).filter((e) => e.envelope.rcptTo.includes(target))
  }

  async #emailsIn(since: Date): Promise<CapturedEmail[]> {
    const filter = `receivedDateTime ge ${since.toISOString()}`
    let url: string | undefined =
      `${this.#base}/messages?${new URLSearchParams({ $filter: filter, $top: '100', $select: 'id,receivedDateTime,toRecipients,parentFolderId' })}`
    // /messages lists every folder: the mailbox's own copies of what it sent (Exchange keeps one in Sent
    // Items for SMTP AUTH and Graph sendMail) were not received, and would match the tagged To address.
    if (!this.#folders) {
      const lookup = Promise.all(
        ['inbox', 'junkemail', 'sentitems'].map(async (name) => {
          const folder = (await this.#get(`${this.#base}/mailFolders/${name}`, 'json')) as { id: string }
          return [folder.id, name] as const
        }),
      ).then((pairs) => new Map(pairs))
      // A failed lookup is tried again on the next look, not remembered.
      lookup.catch(() => {
        if (this.#folders === lookup) this.#folders = undefined
      })
      this.#folders = lookup
    }
    const folders = await this.#folders
    const messages: GraphMessage[] = []
    while (url) {
      const page = (await this.#get(url, 'json')) as { value: GraphMessage[]; '@odata.nextLink'?: string }
      messages.push(...page.value.filter((m) => folders.get(m.parentFolderId ?? '') !== 'sentitems'))
      url = page['@odata.nextLink']
    }
    messages.sort((a, b) => (a.receivedDateTime < b.receivedDateTime ? -1 : 1))
    return Promise.all(messages.map((m) => this.#email(m, folders.get(m.parentFolderId ?? ''))))
  }

  #email(message: GraphMessage, folder: string | undefined): Promise<CapturedEmail> {
    let email = this.#emails.get(message.id)
    if (!email) {
      email = (async () => {
        const raw = (await this.#get(
          `${this.#base}/messages/${encodeURIComponent(message.id)}/$value`,
          'raw',
        )) as Buffer
        const rcptTo = (message.toRecipients ?? []).map((r) => r.emailAddress.address.toLowerCase())
        const envelope = { mailFrom: '', rcptTo }
        const auth = await receivedEmailAuth(raw, envelope, {
          trusted: this.#options.trusted ?? { exchangeOnline: true },
          profile: this.#options.profile,
        })
        return parseEmail(raw, {
          id: message.id,
          envelope,
          receivedAt: new Date(message.receivedDateTime),
          auth,
          // Where Exchange filed it: Junk Email is what `toBeJunk` looks for.
          ...(folder ? { folder } : {}),
        })
      })()
      this.#emails.set(message.id, email)
      // A failed fetch (throttled past its retries, say) is tried again on the next look, not remembered.
      email.catch(() => this.#emails.delete(message.id))
    }
    return email
  }

  async #get(url: string, as: 'json' | 'raw'): Promise<unknown> {
    const { accessToken } = await this.#tokens.getToken('https://graph.microsoft.com/.default')
    const response = await graphRequest(this.#options.mailbox, url, {
      headers: { authorization: `Bearer ${accessToken}` },
    })
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as {
        error?: { code?: string; message?: string }
      }
      const fix =
        response.status === 429 || response.status === 503
          ? 'Still throttled after 5 retries at the Retry-After Graph asked for: fewer workers reading this mailbox at once, or a larger pollMs.'
          : 'The app needs the Mail.Read application permission (admin consent) and access to this mailbox (Application Access Policy or RBAC for Applications).'
      throw new MailwrightError(
        'GRAPH',
        `Microsoft Graph answered ${response.status} ${body.error?.code ?? ''} for mailbox ${this.#options.mailbox}: ${(body.error?.message ?? response.statusText).replace(/\.$/, '')}. ${fix}`,
      )
    }
    return as === 'json' ? response.json() : Buffer.from(await response.arrayBuffer())
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

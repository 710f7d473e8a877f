import { randomBytes } from 'node:crypto'
import type { SendingProfile } from '@mailwright/core'
import { computeEmailAuth } from '@mailwright/core/plugin'
import { exchangeAuthenticationResults } from './exchange-authentication-results.js'
import { headerFrom } from './submission-policy.js'
import { type TenantModel, tenantMailboxFor } from './tenant-model.js'

/** The well-known folders the emulator models (Graph's names for them). */
export type MailFolder = 'inbox' | 'sentitems' | 'junkemail'

/** A message in an emulated mailbox, as Graph lists it. */
export interface StoredMessage {
  id: string
  mailbox: string
  /** Where it is: delivered mail in `inbox` (or `junkemail`), the sender's copy in `sentitems`. */
  folder: MailFolder
  receivedDateTime: string
  subject: string
  toRecipients: string[]
  internetMessageId?: string
  /** The MIME as the mailbox holds it: Exchange's stamped headers on top of what was submitted. */
  raw: Buffer
}

/** How the emulator stamps delivered mail. */
export interface DeliveryOptions {
  /**
   * Write an Exchange-Online-style Authentication-Results (no authserv-id, `compauth`) computed for this
   * sending profile. Without it nothing is stamped, as reported for intra-tenant mail.
   */
  stamp?: SendingProfile
  hostname: string
}

/**
 * The tenant's mailboxes: delivery by plus address to the base mailbox (`qa+t1@` lands in `qa@`, the To
 * header keeps the tag), Exchange's Received hop and, when configured, its Authentication-Results.
 */
export class Mailboxes {
  readonly #messages: StoredMessage[] = []
  readonly #tenant: TenantModel
  readonly #options: DeliveryOptions

  constructor(tenant: TenantModel, options: DeliveryOptions) {
    this.#tenant = tenant
    this.#options = options
  }

  /** The mailbox an address delivers to, or undefined when the tenant has none (plus addressing honoured). */
  mailboxFor(address: string): string | undefined {
    return tenantMailboxFor(this.#tenant, address)
  }

  /**
   * Delivers to each recipient's mailbox, stamped as Exchange stamps it. What a tenant mailbox submitted
   * (`from: 'organization'`, the default) skips spam filtering (`SFV:SKI`) unless a tenant `junkRules` entry
   * marks it (as a mail flow rule would, `SFV:SKS`); mail from the internet (the MX endpoint) is filtered:
   * a `junkRules` match, or a composite authentication failure when stamping (spoofing), goes to Junk Email.
   * `internal` mail (a non-delivery report) is neither stamped nor judged.
   */
  async deliver(
    raw: Buffer,
    envelope: { mailFrom: string; rcptTo: string[] },
    options: { internal?: boolean; from?: 'organization' | 'internet' } = {},
  ): Promise<StoredMessage[]> {
    const fields = headerFields(raw)
    const { stamped, folder } = options.internal
      ? { stamped: raw, folder: 'inbox' as const }
      : await this.#stamp(raw, envelope, options.from ?? 'organization', fields.subject)
    const delivered: StoredMessage[] = []
    const mailboxes = new Set(
      envelope.rcptTo.map((r) => this.mailboxFor(r)).filter((m): m is string => m !== undefined),
    )
    for (const mailbox of mailboxes) {
      const message: StoredMessage = {
        id: `AAMk${randomBytes(24).toString('base64url')}`,
        mailbox,
        folder,
        receivedDateTime: new Date().toISOString(),
        subject: fields.subject,
        toRecipients: fields.to,
        internetMessageId: fields.messageId,
        raw: stamped,
      }
      this.#messages.push(message)
      delivered.push(message)
    }
    return delivered
  }

  /**
   * The sender's copy in its Sent Items, as Exchange keeps one for mail submitted over SMTP AUTH and for
   * Graph `sendMail` (unless `saveToSentItems: false`). Nothing is stamped on it.
   */
  saveSent(mailbox: string, raw: Buffer): StoredMessage {
    const fields = headerFields(raw)
    const message: StoredMessage = {
      id: `AAMk${randomBytes(24).toString('base64url')}`,
      mailbox: mailbox.toLowerCase(),
      folder: 'sentitems',
      receivedDateTime: new Date().toISOString(),
      subject: fields.subject,
      toRecipients: fields.to,
      internetMessageId: fields.messageId,
      raw,
    }
    this.#messages.push(message)
    return message
  }

  /** A mailbox's messages in one folder (its Inbox unless asked), or in all of them (`'all'`, as Graph's /messages). */
  list(mailbox: string, folder: MailFolder | 'all' = 'inbox'): StoredMessage[] {
    return this.#messages.filter(
      (m) => m.mailbox === mailbox.toLowerCase() && (folder === 'all' || m.folder === folder),
    )
  }

  get(mailbox: string, id: string): StoredMessage | undefined {
    return this.list(mailbox, 'all').find((m) => m.id === id)
  }

  async #stamp(
    raw: Buffer,
    envelope: { mailFrom: string; rcptTo: string[] },
    origin: 'organization' | 'internet',
    subject: string,
  ): Promise<{ stamped: Buffer; folder: MailFolder }> {
    const host = this.#options.hostname
    const date = new Date().toUTCString().replace('GMT', '+0000')
    const lines: string[] = []
    const profile = this.#options.stamp
    let spoofed = false
    if (profile) {
      const auth = await computeEmailAuth(
        raw,
        { mailFrom: envelope.mailFrom, rcptTo: envelope.rcptTo },
        profile,
      )
      const value = exchangeAuthenticationResults(auth, profile.ip)
      spoofed = /;compauth=fail\b/.test(value)
      // Folded near 78 columns, as Exchange writes it.
      lines.push(`Authentication-Results: ${value.replace(/(.{1,72})(\s|$)/g, '$1\r\n ').trimEnd()}`)
    }
    // Exchange Online Protection's verdict: a tenant rule marks spam; for mail from the internet, a composite
    // authentication failure is spoofing, which the default anti-phishing policy moves to Junk Email.
    const from = headerFrom(raw) ?? ''
    const ruled = this.#tenant.junkRules.some(
      (rule) =>
        (rule.subjectContains === undefined ||
          subject.toLowerCase().includes(rule.subjectContains.toLowerCase())) &&
        (rule.from === undefined ||
          from === rule.from.toLowerCase() ||
          from.endsWith(`@${rule.from.toLowerCase()}`)),
    )
    const internal = origin === 'organization'
    const category = ruled ? 'SPM' : spoofed && !internal ? 'SPOOF' : 'NONE'
    const junk = category !== 'NONE'
    if (profile || junk) {
      const scl = junk ? 5 : internal ? -1 : 1
      // SKS: marked spam by a rule before filtering; SKI: mail inside the organization is not filtered.
      const verdict = junk ? (internal ? 'SKS' : 'SPM') : internal ? 'SKI' : 'NSPM'
      lines.push(
        `X-Forefront-Antispam-Report: CIP:${profile?.ip ?? '127.0.0.1'};CTRY:;LANG:en;SCL:${scl};SRV:;IPV:NLI;SFV:${verdict};H:${host};PTR:;CAT:${category};SFS:;DIR:${internal ? 'INT' : 'INB'};`,
        `X-MS-Exchange-Organization-SCL: ${scl}`,
      )
    }
    lines.push(
      `Received: from ${host} (${this.#options.stamp?.ip ?? '127.0.0.1'}) by ${host} with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.0000.000; ${date}`,
    )
    lines.push('X-MS-Exchange-Organization-AuthAs: Internal')
    return {
      stamped: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n`), raw]),
      folder: junk ? 'junkemail' : 'inbox',
    }
  }
}

// What Graph's message list shows of a message, read from its header section.
function headerFields(raw: Buffer): { subject: string; to: string[]; messageId?: string } {
  const head = raw.toString('latin1').split(/\r\n\r\n/)[0] ?? ''
  const header = (name: string) =>
    new RegExp(`^${name}:\\s*(.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(head)?.[1]?.replace(/\r\n[ \t]+/g, ' ')
  const to = (header('To') ?? '')
    .split(',')
    .map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim())
    .filter(Boolean)
  return { subject: header('Subject') ?? '', to, messageId: header('Message-ID') }
}

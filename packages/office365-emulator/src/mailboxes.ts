import { randomBytes } from 'node:crypto'
import type { SendingProfile } from '@mailwright/core'
import { computeEmailAuth } from '@mailwright/core/plugin'
import { type TenantModel, tenantMailboxFor } from './tenant-model.js'

/** A message in an emulated mailbox, as Graph lists it. */
export interface StoredMessage {
  id: string
  mailbox: string
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

  async deliver(raw: Buffer, envelope: { mailFrom: string; rcptTo: string[] }): Promise<StoredMessage[]> {
    const stamped = await this.#stamp(raw, envelope)
    const head = raw.toString('latin1').split(/\r\n\r\n/)[0] ?? ''
    const header = (name: string) =>
      new RegExp(`^${name}:\\s*(.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(head)?.[1]?.replace(/\r\n[ \t]+/g, ' ')
    const to = (header('To') ?? '')
      .split(',')
      .map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim())
      .filter(Boolean)
    const delivered: StoredMessage[] = []
    const mailboxes = new Set(
      envelope.rcptTo.map((r) => this.mailboxFor(r)).filter((m): m is string => m !== undefined),
    )
    for (const mailbox of mailboxes) {
      const message: StoredMessage = {
        id: `AAMk${randomBytes(24).toString('base64url')}`,
        mailbox,
        receivedDateTime: new Date().toISOString(),
        subject: header('Subject') ?? '',
        toRecipients: to,
        internetMessageId: header('Message-ID'),
        raw: stamped,
      }
      this.#messages.push(message)
      delivered.push(message)
    }
    return delivered
  }

  list(mailbox: string): StoredMessage[] {
    return this.#messages.filter((m) => m.mailbox === mailbox.toLowerCase())
  }

  get(mailbox: string, id: string): StoredMessage | undefined {
    return this.list(mailbox).find((m) => m.id === id)
  }

  async #stamp(raw: Buffer, envelope: { mailFrom: string; rcptTo: string[] }): Promise<Buffer> {
    const host = this.#options.hostname
    const date = new Date().toUTCString().replace('GMT', '+0000')
    const lines: string[] = []
    const profile = this.#options.stamp
    if (profile) {
      const auth = await computeEmailAuth(
        raw,
        { mailFrom: envelope.mailFrom, rcptTo: envelope.rcptTo },
        profile,
      )
      const dkim = auth.dkim.length
        ? auth.dkim
            .map(
              (d) =>
                `dkim=${d.result} (${d.result === 'pass' ? 'signature was verified' : (d.comment ?? 'signature did not verify')}) header.d=${d.domain}`,
            )
            .join(';')
        : 'dkim=none (message not signed) header.d=none'
      // Exchange Online's own form: no authserv-id, ';' without a space, folded near 78 columns.
      const dmarc = auth.dmarc?.result ?? 'none'
      const compauth =
        dmarc === 'pass' ? 'pass reason=100' : dmarc === 'none' ? 'none reason=405' : 'fail reason=000'
      const value = `spf=${auth.spf?.result ?? 'none'} (sender IP is ${profile.ip}) smtp.mailfrom=${auth.spf?.domain ?? 'none'}; ${dkim};dmarc=${dmarc} action=none header.from=${auth.dmarc?.domain ?? 'none'};compauth=${compauth}`
      lines.push(`Authentication-Results: ${value.replace(/(.{1,72})(\s|$)/g, '$1\r\n ').trimEnd()}`)
    }
    lines.push(
      `Received: from ${host} (${this.#options.stamp?.ip ?? '127.0.0.1'}) by ${host} with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.0000.000; ${date}`,
    )
    lines.push('X-MS-Exchange-Organization-AuthAs: Internal')
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n`), raw])
  }
}

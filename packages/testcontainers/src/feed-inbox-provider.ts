import {
  type CapturedEmail,
  type EmailEnvelope,
  type InboxProvider,
  InvalidArgumentError,
  MailwrightError,
  parseEmail,
  type SendingProfile,
} from '@mailwright/core'
import { computeEmailAuth, type EmailFeed, inboxAddress, inboxFromBackend } from '@mailwright/core/plugin'

/** Options shared by the Mailpit and MailDev inbox adapters. */
export interface ContainerInboxOptions {
  /** Where the server takes mail (the container's SMTP listener). */
  smtp: { host: string; port: number }
  /** Domain of the addresses `createInbox()` hands out. Default `inbox.test`. */
  domain?: string
  /**
   * Judge SPF/DKIM/DMARC as mail sent from production (egress IP, HELO, DNS). These servers compute no
   * verdicts, so without a profile `email.auth` stays undefined.
   */
  profile?: SendingProfile
  /** The server's log so far (the started container's), attached to failing tests. */
  logs?: () => Promise<string>
}

/** An inbox provider over a feed that a server's event stream fills. */
export function feedInboxProvider(
  feed: EmailFeed,
  url: string,
  options: ContainerInboxOptions,
  close: () => Promise<void>,
): InboxProvider {
  const domain = options.domain ?? 'inbox.test'
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain))
    throw new InvalidArgumentError('domain', domain, 'a domain name such as inbox.test')
  return {
    url,
    smtp: options.smtp,
    capture: true,
    description: `the capture container at ${url}`,
    createInbox: async (name = 'test') => inboxFromBackend(inboxAddress(name, domain), feed),
    close,
    logs: options.logs,
  }
}

/** Rebuilds a captured email from the server's raw copy, with verdicts computed from the profile. */
export async function emailFromRaw(
  raw: Buffer,
  meta: { id: string; envelope: EmailEnvelope; receivedAt: Date },
  profile: SendingProfile | undefined,
): Promise<CapturedEmail> {
  const auth = profile ? await computeEmailAuth(raw, meta.envelope, profile) : undefined
  return parseEmail(raw, { ...meta, auth })
}

/** GET that turns a failed answer into an error naming the server, the request and what to check. */
export async function fetchFrom(server: string, url: string, as: 'json' | 'raw'): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(url)
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message
    throw new MailwrightError(
      'CONTAINER_INBOX',
      `Could not reach ${server} at GET ${url}: ${code}. Is the container running, and is this its API URL (the started container's getApiUrl())?`,
    )
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200)
    throw new MailwrightError(
      'CONTAINER_INBOX',
      `${server} answered ${response.status} to GET ${url}${body ? `: ${body}` : ''}. Check that the image is a ${server} version this adapter supports (see docs/containers.md).`,
    )
  }
  return as === 'json' ? response.json() : Buffer.from(await response.arrayBuffer())
}

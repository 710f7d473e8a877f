import type { CapturedEmail } from './captured-email.js'
import { type EmailJson, emailFromJson } from './email-json.js'
import { type EmailQuery, serializeQuery } from './email-query.js'
import type { CodeOptions } from './extract-codes.js'
import type { Inbox } from './inbox.js'
import type { InboxBackend, WaitRequest, WaitResult } from './inbox-backend.js'
import { type InboxFromBackendOptions, inboxFromBackend } from './inbox-from-backend.js'
import { InboxServerError } from './inbox-server-error.js'
import type { NearMiss } from './near-miss.js'
import { attemptFromJson, type InboxFault, type SmtpAttempt, type SmtpAttemptJson } from './smtp-fault.js'
import { webUiUrl } from './web-ui-url.js'

/** Options of {@link connectInbox}. */
export interface ConnectInboxOptions extends InboxFromBackendOptions {
  /** Use this address instead of asking the server for a new unique one. */
  address?: string
  /** The local part before `+` of the new address (default chosen by the server). */
  name?: string
  /** How one-time codes are recognised in emails read through this inbox. */
  codes?: CodeOptions
}

/**
 * Connects to a running inbox server's HTTP API and returns an {@link Inbox} that waits exactly like an
 * in-process one: the server holds the wait open (long-poll) and answers the moment a matching email is
 * stored. Without `address`, the server hands out a new unique address.
 *
 * @example
 * const inbox = await connectInbox('http://127.0.0.1:8025')
 * await app.signup(inbox.address)
 * const email = await inbox.waitForEmail({ subject: /Verify/ })
 */
export async function connectInbox(url: string, options: ConnectInboxOptions = {}): Promise<Inbox> {
  const base = url.replace(/\/+$/, '')
  let address = options.address
  if (address === undefined) {
    const body = (await request(base, '/api/inboxes', { method: 'POST', body: { name: options.name } })) as {
      address: string
    }
    address = body.address
  } else {
    await request(base, '/readyz', { method: 'GET' })
  }
  return httpInbox(base, address, options)
}

/** An inbox on a server already known to be ready: no request until the test waits or lists. */
export function httpInbox(base: string, address: string, options: ConnectInboxOptions = {}): Inbox {
  return inboxFromBackend(address, new HttpInboxBackend(base, options.codes), options)
}

class HttpInboxBackend implements InboxBackend {
  // Addresses given faults: only their disposal costs a request.
  readonly #faulted = new Set<string>()

  constructor(
    private readonly base: string,
    private readonly codes: CodeOptions | undefined,
  ) {}

  async simulate(address: string, fault: InboxFault): Promise<void> {
    this.#faulted.add(address)
    await request(this.base, `${inboxPath(address)}/faults`, { method: 'POST', body: fault })
  }

  async attempts(address: string): Promise<SmtpAttempt[]> {
    const body = (await request(this.base, `${inboxPath(address)}/attempts`, { method: 'GET' })) as {
      attempts: SmtpAttemptJson[]
    }
    return body.attempts.map(attemptFromJson)
  }

  async release(address: string): Promise<void> {
    if (!this.#faulted.delete(address)) return
    await request(this.base, `${inboxPath(address)}/faults`, { method: 'DELETE' })
  }

  async wait(req: WaitRequest, signal: AbortSignal): Promise<WaitResult> {
    const body = (await request(this.base, '/api/wait', {
      method: 'POST',
      signal,
      body: {
        address: req.address,
        query: serializeQuery(req.query),
        count: req.count,
        timeout: req.timeoutMs,
        exclude: req.exclude,
        notBefore: req.notBefore.toISOString(),
      },
    })) as
      | { status: 'ok'; emails: EmailJson[] }
      | { status: 'timeout'; received: number; nearMisses: NearMiss[] }
    if (body.status === 'timeout') return body
    return { status: 'ok', emails: await this.#emails(body.emails) }
  }

  viewUrl(address: string): string {
    return webUiUrl(this.base, { inbox: address })
  }

  async list(address: string, query: EmailQuery): Promise<CapturedEmail[]> {
    const params = new URLSearchParams({
      address,
      query: JSON.stringify(serializeQuery(query)),
      // The raw bytes alone: this side parses them, so the server parses nothing the query did not need.
      // (A server older than `format` ignores it and answers full emails, raw included.)
      format: 'raw',
      include: 'raw',
    })
    const body = (await request(this.base, `/api/emails?${params}`, { method: 'GET' })) as {
      emails: EmailJson[]
    }
    return this.#emails(body.emails)
  }

  #emails(list: EmailJson[]): Promise<CapturedEmail[]> {
    // The web UI is served beside the API: the link is made from the address this client reaches it by.
    return Promise.all(
      list.map((json) =>
        emailFromJson({ ...json, viewUrl: webUiUrl(this.base, { emailId: json.id }) }, { codes: this.codes }),
      ),
    )
  }
}

function inboxPath(address: string): string {
  return `/api/inboxes/${encodeURIComponent(address)}`
}

async function request(
  base: string,
  path: string,
  init: { method: string; body?: unknown; signal?: AbortSignal },
): Promise<unknown> {
  const url = `${base}${path}`
  let response: Response
  try {
    response = await fetch(url, {
      method: init.method,
      signal: init.signal,
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new InboxServerError(base, undefined, cause?.code ?? cause?.message ?? (error as Error).message, {
      cause: error,
    })
  }
  const text = await response.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : {}
  } catch {
    body = { error: { message: text.slice(0, 200) } }
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: string } }).error?.message ?? response.statusText
    throw new InboxServerError(base, response.status, `${init.method} ${path.split('?')[0]}: ${message}`)
  }
  return body
}

// The UI's client of the public HTTP API (docs/http-api.md): nothing here the API does not document.

import type { EmailAddress, EmailAuth, EmailEnvelope, EmailHeader, EmailLink } from '@mailwright/core'
import type { HeaderAnalysis as CoreHeaderAnalysis } from '@mailwright/core/internal'

// Core's types, as the JSON the API sends them (dates as ISO strings). Type-only: nothing of core is
// bundled into the UI.
export type { EmailAuth }
export type Address = EmailAddress
export type Envelope = EmailEnvelope
type Verdict = { result: string; comment?: string }

export type { Verdict }

/** An email as the list shows it (`format=summary`, and every `email` event). */
export interface EmailSummary {
  id: string
  envelope: Envelope
  subject: string
  from?: Address
  to: Address[]
  size: number
  receivedAt: string
  captureWarnings?: string[]
}

/** An attachment's description (its bytes are a download). */
export interface Attachment {
  filename?: string
  contentType: string
  size: number
  inline: boolean
  cid?: string
}

/** The whole email (`GET /api/emails/:id`). */
export interface EmailDetail extends EmailSummary {
  headers: EmailHeader[]
  cc: Address[]
  replyTo: Address[]
  date?: string
  messageId?: string
  text?: string
  html?: string
  attachments: Attachment[]
  links: EmailLink[]
  codes: string[]
  warnings: string[]
  captureWarnings: string[]
  auth?: EmailAuth
  folder?: string
  viewUrl?: string
}

/** The header analyzer's answer (`GET /api/emails/:id/headers`). */
export interface HeaderAnalysis extends CoreHeaderAnalysis {
  auth?: EmailAuth
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, init)
  } catch {
    throw new Error(
      `The inbox server at ${location.host} does not answer (stopped, or restarting?). This page follows it again when it is back.`,
    )
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { message?: string } }
      | undefined
    throw new Error(body?.error?.message ?? `${init?.method ?? 'GET'} ${path}: HTTP ${response.status}`)
  }
  if (response.status === 204) return undefined as T
  const type = response.headers.get('content-type') ?? ''
  return (type.includes('json') ? await response.json() : await response.text()) as T
}

/** Newest first, at most `limit` (10,000: the capture's default retention). */
export async function listEmails(query: Record<string, unknown>, limit = 10_000): Promise<EmailSummary[]> {
  const params = new URLSearchParams({ format: 'summary', order: 'newest', limit: String(limit) })
  if (Object.keys(query).length > 0) params.set('query', JSON.stringify(query))
  const body = await request<{ emails: EmailSummary[] }>(`/api/emails?${params}`)
  return body.emails
}

export const getEmail = (id: string) => request<EmailDetail>(`/api/emails/${encodeURIComponent(id)}`)
export const getHeaderAnalysis = (id: string) =>
  request<HeaderAnalysis>(`/api/emails/${encodeURIComponent(id)}/headers`)
export const getRaw = (id: string) => request<string>(`/api/emails/${encodeURIComponent(id)}/raw`)
export const rawUrl = (id: string) => `/api/emails/${encodeURIComponent(id)}/raw`
export const attachmentUrl = (id: string, index: number) =>
  `/api/emails/${encodeURIComponent(id)}/attachments/${index}`
export const previewUrl = (id: string, options: { scheme: 'light' | 'dark'; remoteImages: boolean }) =>
  `/api/emails/${encodeURIComponent(id)}/html?scheme=${options.scheme}${options.remoteImages ? '&images=remote' : ''}`

export const deleteEmail = (id: string) =>
  request<void>(`/api/emails/${encodeURIComponent(id)}`, { method: 'DELETE' })
export const clearInbox = (address: string) =>
  request<{ deleted: number }>(`/api/emails?address=${encodeURIComponent(address)}`, { method: 'DELETE' })

export interface EmailEvents {
  email(summary: EmailSummary): void
  deleted(ids: string[]): void
  /** The stream (re)connected: what arrived while it was down is not replayed, so reload. */
  connected(): void
  disconnected(): void
}

// How long to wait before following again a server that said it was stopping (a run that ended; the next
// one may start on the same port).
const AFTER_SHUTDOWN_MS = 2000

/**
 * Follows `/api/events`. The browser reconnects a dropped stream by itself; after a server says it is
 * stopping, the stream is opened again a little later, until a server answers. Returns the stop function.
 */
export function watchEmails(on: EmailEvents): () => void {
  let source: EventSource | undefined
  let retry: ReturnType<typeof setTimeout> | undefined
  const open = () => {
    source = new EventSource('/api/events')
    source.addEventListener('open', () => on.connected())
    source.addEventListener('error', () => on.disconnected())
    source.addEventListener('email', (event) => on.email(JSON.parse((event as MessageEvent<string>).data)))
    source.addEventListener('deleted', (event) =>
      on.deleted((JSON.parse((event as MessageEvent<string>).data) as { ids: string[] }).ids),
    )
    source.addEventListener('shutdown', () => {
      source?.close()
      on.disconnected()
      retry = setTimeout(open, AFTER_SHUTDOWN_MS)
    })
  }
  open()
  return () => {
    clearTimeout(retry)
    source?.close()
  }
}

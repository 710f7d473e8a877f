import type { CapturedEmail } from './captured-email.js'
import type { EmailQuery } from './email-query.js'
import type { NearMiss } from './near-miss.js'
import type { InboxFault, SmtpAttempt } from './smtp-fault.js'

/** One wait, as a back end receives it. */
export interface WaitRequest {
  address: string
  query: EmailQuery
  count: number
  timeoutMs: number
  /** Ids an earlier wait on this inbox already returned: they neither count nor resolve the wait. */
  exclude: readonly string[]
  /** Emails to other addresses before this instant are not reported as near misses. */
  notBefore: Date
}

/** What a wait came to: the emails, or a timeout with what arrived instead. */
export type WaitResult =
  | { status: 'ok'; emails: CapturedEmail[] }
  | { status: 'timeout'; received: number; nearMisses: NearMiss[] }

/**
 * What an inbox back end provides; {@link inboxFromBackend} turns it into the {@link Inbox} contract, so
 * the bookkeeping (emails handed out once, timeouts, disposal) is written once for every back end.
 *
 * @example
 * const inbox = inboxFromBackend('a+1@inbox.test', myBackend)
 */
export interface InboxBackend {
  /** Resolve as soon as `count` matching emails exist (pushed, never polled), or at the timeout. */
  wait(request: WaitRequest, signal: AbortSignal): Promise<WaitResult>
  /**
   * Matching emails for the address, now, in arrival order. `since` is when the inbox was made: its address
   * is new then, so a back end whose listing is costly (Graph) need not look further back.
   */
  list(address: string, query: EmailQuery, since?: Date): Promise<CapturedEmail[]>
  /**
   * Adds a fault for the address (checked by the caller with `resolveFault(fault, 'inbox')`; a back end
   * that takes it over a wire checks it again). A back end that controls no SMTP server leaves it out.
   */
  simulate?(address: string, fault: InboxFault): Promise<void>
  /** The address's SMTP attempts, oldest first; present exactly when `simulate` is. */
  attempts?(address: string): Promise<SmtpAttempt[]>
  /** Called once when the inbox is disposed (and must end the address's faults). */
  release?(address: string): Promise<void>
  /** Where the address's emails open in a web UI, when the back end has one (a timeout prints it). */
  viewUrl?(address: string): string
}

import type { AttemptOutcome, FaultStage, ResolvedFault, SmtpAttempt, SmtpFault } from '@mailwright/core'
import { resolveFault } from '@mailwright/core'

/** A fault in force, with what it has done so far. */
interface ActiveFault {
  fault: ResolvedFault
  /** Attempts (or, server-wide before RCPT, sessions) it acted on. */
  used: number
  /** Greylisting: when each recipient was first refused; one that got through is in `passed`. */
  firstSeen?: Map<string, number>
  passed?: Set<string>
}

/** An attempt not yet ended: its transaction is still going on. */
interface OpenAttempt {
  address: string
  attempt: SmtpAttempt
  /** The fault chosen for this attempt when it began (at RCPT TO), acting at its own stage. */
  acting?: ActiveFault
}

/** What a stage's hook is told to do. */
export type FaultAction = { fault: ResolvedFault; acting: ActiveFault } | undefined

const MAX_ATTEMPTS_PER_ADDRESS = 500
// Addresses kept only for their attempts (no fault in force): the oldest go first past this many.
const MAX_TRACKED_ADDRESSES = 20_000

/**
 * The capture's simulated faults and its record of attempts. Each inbox's faults act only on transactions
 * naming its address; server-wide faults (`mailwright serve --fault`) act on every session. An attempt
 * begins at a recipient's `RCPT TO` and ends with the transaction's reply, a drop, or the client leaving.
 *
 * @example
 * faults.add('a+1@inbox.test', { stage: 'rcpt', reply: '451 4.7.1 Later', times: 1 })
 */
export class SmtpFaults {
  readonly #server: ActiveFault[] = []
  readonly #inboxes = new Map<string, { faults: ActiveFault[]; attempts: SmtpAttempt[] }>()
  readonly #open = new Map<string, OpenAttempt[]>()

  constructor(serverFaults: readonly SmtpFault[] = []) {
    serverFaults.forEach((fault, i) => {
      this.#server.push({ fault: resolveFault(fault, 'server', `faults[${i}]`), used: 0 })
    })
  }

  /** The server-wide faults, as described when the server started. */
  serverFaults(): ResolvedFault[] {
    return this.#server.map((active) => active.fault)
  }

  /** Adds a fault for one address (after the ones it already has). */
  add(address: string, fault: SmtpFault): ResolvedFault {
    const resolved = resolveFault(fault, 'inbox')
    this.#entry(address).faults.push({ fault: resolved, used: 0 })
    return resolved
  }

  /** The address's faults still in force, in order. */
  faults(address: string): ResolvedFault[] {
    return (this.#inboxes.get(address.toLowerCase())?.faults ?? []).filter(inForce).map((a) => a.fault)
  }

  /** Ends the address's faults; its attempts stay listed. How many were in force. */
  clear(address: string): number {
    const entry = this.#inboxes.get(address.toLowerCase())
    if (!entry) return 0
    const count = entry.faults.filter(inForce).length
    entry.faults = []
    return count
  }

  /** The address's attempts, oldest first. */
  attempts(address: string): SmtpAttempt[] {
    return [...(this.#inboxes.get(address.toLowerCase())?.attempts ?? [])]
  }

  /** Before RCPT TO: the first server-wide fault at this stage still in force, counted as used. */
  sessionFault(stage: FaultStage): FaultAction {
    const acting = this.#server.find((active) => active.fault.stage === stage && inForce(active))
    if (!acting) return undefined
    acting.used++
    return { fault: acting.fault, acting }
  }

  /**
   * A recipient was named: its attempt begins. Returns the fault that acts at RCPT TO, if any; a fault at a
   * later stage is kept with the attempt for {@link transactionFault}.
   */
  recipient(session: SessionFacts, address: string): FaultAction {
    const key = address.toLowerCase()
    const now = Date.now()
    const entry = this.#entry(key)
    const acting = choose(entry.faults, key, now) ?? choose(this.#server, key, now)
    const attempt: SmtpAttempt = {
      at: new Date(now),
      endedAt: new Date(now),
      outcome: 'abandoned',
      stage: 'rcpt',
      mailFrom: session.mailFrom,
      clientAddress: session.clientAddress,
    }
    if (acting) attempt.fault = acting.fault.description
    push(entry.attempts, attempt)
    const open: OpenAttempt = { address: key, attempt }
    if (acting) open.acting = acting
    const list = this.#open.get(session.id)
    if (list) list.push(open)
    else this.#open.set(session.id, [open])
    return acting?.fault.stage === 'rcpt' ? { fault: acting.fault, acting } : undefined
  }

  /** The fault one of the transaction's attempts brings to this stage (DATA, or the message's end). */
  transactionFault(sessionId: string, stage: 'data' | 'message'): FaultAction {
    const open = this.#open.get(sessionId)?.find((o) => o.acting?.fault.stage === stage)
    return open?.acting ? { fault: open.acting.fault, acting: open.acting } : undefined
  }

  /** Ends the recipient's attempt alone: its RCPT TO was refused or dropped. */
  endRecipient(sessionId: string, address: string, end: AttemptEnd): void {
    const list = this.#open.get(sessionId)
    const index = list?.findIndex((o) => o.address === address.toLowerCase()) ?? -1
    if (!list || index < 0) return
    const [open] = list.splice(index, 1)
    finish(open as OpenAttempt, end)
  }

  /** Ends every attempt of the session's transaction: the message's reply, a refused DATA, a drop, RSET. */
  endTransaction(sessionId: string, end: AttemptEnd): void {
    const list = this.#open.get(sessionId)
    if (!list) return
    this.#open.delete(sessionId)
    for (const open of list) finish(open, end)
  }

  #entry(address: string) {
    const key = address.toLowerCase()
    let entry = this.#inboxes.get(key)
    if (!entry) {
      entry = { faults: [], attempts: [] }
      this.#inboxes.set(key, entry)
      if (this.#inboxes.size > MAX_TRACKED_ADDRESSES) {
        for (const [oldest, old] of this.#inboxes) {
          if (this.#inboxes.size <= MAX_TRACKED_ADDRESSES) break
          if (!old.faults.some(inForce)) this.#inboxes.delete(oldest)
        }
      }
    }
    return entry
  }
}

/** What the listener knows of a session when a recipient is named. */
export interface SessionFacts {
  id: string
  mailFrom: string
  clientAddress: string
}

/** How an attempt ended. */
export interface AttemptEnd {
  outcome: AttemptOutcome
  stage: FaultStage
  reply?: string
  emailId?: string
}

function finish(open: OpenAttempt, end: AttemptEnd): void {
  const attempt = open.attempt
  attempt.outcome = end.outcome
  attempt.stage = end.stage
  attempt.endedAt = new Date()
  if (end.reply !== undefined) attempt.reply = end.reply
  if (end.emailId !== undefined) attempt.emailId = end.emailId
}

function inForce(active: ActiveFault): boolean {
  if (active.fault.greylistMs !== undefined) return true
  return active.fault.times === undefined || active.used < active.fault.times
}

// The first fault in force for this recipient, counted as used. Greylisting refuses a recipient until
// its time has passed since the first refusal, then lets it through for good.
function choose(faults: ActiveFault[], address: string, now: number): ActiveFault | undefined {
  for (const active of faults) {
    if (active.fault.greylistMs !== undefined) {
      active.firstSeen ??= new Map()
      active.passed ??= new Set()
      if (active.passed.has(address)) continue
      const first = active.firstSeen.get(address)
      if (first === undefined) {
        // A server-wide greylist sees every address: its memory is bounded like the attempts'.
        if (active.firstSeen.size >= MAX_TRACKED_ADDRESSES) active.firstSeen.clear()
        active.firstSeen.set(address, now)
      } else if (now - first >= active.fault.greylistMs) {
        if (active.passed.size >= MAX_TRACKED_ADDRESSES) active.passed.clear()
        active.passed.add(address)
        active.firstSeen.delete(address)
        continue
      }
      active.used++
      return active
    }
    if (inForce(active)) {
      active.used++
      return active
    }
  }
  return undefined
}

function push(attempts: SmtpAttempt[], attempt: SmtpAttempt): void {
  attempts.push(attempt)
  if (attempts.length > MAX_ATTEMPTS_PER_ADDRESS) attempts.shift()
}

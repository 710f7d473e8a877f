import {
  type AttemptOutcome,
  type FaultStage,
  InvalidArgumentError,
  type ResolvedFault,
  resolveFault,
  type SmtpAttempt,
  type SmtpFault,
} from '@mailwright/core'
import { faultNeverActsError, hidingFault, INBOX_FAULT_STAGES } from '@mailwright/core/plugin'

/** A fault in force, with what it has done so far. */
interface ActiveFault {
  fault: ResolvedFault
  /** Attempts (or, server-wide before RCPT, sessions) it acted on, or holds for a later stage. */
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
  /** Whether that fault acted; one that never got to its stage gives its use back. */
  acted?: boolean
}

/** What a stage's hook is told to do. */
export type FaultAction = { fault: ResolvedFault } | undefined

const MAX_ATTEMPTS_PER_ADDRESS = 200
// All addresses' attempts together: past this the oldest addresses without a fault in force go first.
const MAX_ATTEMPTS = 50_000
const MAX_TRACKED_ADDRESSES = 20_000
const MAX_FAULTS_PER_ADDRESS = 100

/**
 * The capture's simulated faults and its record of attempts. Each inbox's faults act only on transactions
 * naming its address; server-wide faults (`mailwright serve --fault`) act on every session. An attempt
 * begins at a recipient's `RCPT TO` and ends with the transaction's reply, a drop, the client leaving, or
 * a reset of the transaction (RSET, EHLO, STARTTLS).
 *
 * @example
 * faults.add('a+1@inbox.test', { stage: 'rcpt', reply: '451 4.7.1 Later', times: 1 })
 */
export class SmtpFaults {
  readonly #server: ActiveFault[] = []
  readonly #inboxes = new Map<string, { faults: ActiveFault[]; attempts: SmtpAttempt[] }>()
  readonly #open = new Map<string, OpenAttempt[]>()
  #attempts = 0

  constructor(serverFaults: readonly SmtpFault[] = []) {
    serverFaults.forEach((fault, i) => {
      const resolved = resolveFault(fault, 'server', `faults[${i}]`)
      const hiding = hidingFault(this.serverFaults(), resolved)
      if (hiding) throw faultNeverActsError('the server', fault, hiding, `faults[${i}]`)
      this.#server.push({ fault: resolved, used: 0 })
    })
  }

  /** The server-wide faults, as described when the server started. */
  serverFaults(): ResolvedFault[] {
    return this.#server.map((active) => active.fault)
  }

  /**
   * Adds a fault for one address, after the ones it already has. Refused when it could never act: an
   * earlier fault acts on every attempt until the test ends.
   */
  add(address: string, fault: SmtpFault): ResolvedFault {
    const resolved = resolveFault(fault, 'inbox')
    const entry = this.#entry(address)
    const hiding = hidingFault(
      entry.faults.map((a) => a.fault),
      resolved,
    )
    if (hiding) throw faultNeverActsError(address, fault, hiding)
    if (entry.faults.length >= MAX_FAULTS_PER_ADDRESS)
      throw new InvalidArgumentError(
        'fault',
        fault,
        `at most ${MAX_FAULTS_PER_ADDRESS} faults per address (clear them first)`,
      )
    entry.faults.push({ fault: resolved, used: 0 })
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

  /** The address's attempts, oldest first, as copies (the live records change as transactions go on). */
  attempts(address: string): SmtpAttempt[] {
    return (this.#inboxes.get(address.toLowerCase())?.attempts ?? []).map((a) => ({ ...a }))
  }

  /** Before RCPT TO: the first server-wide fault at this stage still in force, counted as used. */
  sessionFault(stage: FaultStage): FaultAction {
    const acting = this.#server.find((active) => active.fault.stage === stage && inForce(active))
    if (!acting) return undefined
    acting.used++
    return { fault: acting.fault }
  }

  /**
   * A recipient was named: its attempt begins. Returns the fault that acts at RCPT TO, if any; a fault at a
   * later stage is held by the attempt for {@link transactionFault}.
   */
  recipient(session: SessionFacts, address: string): FaultAction {
    const key = address.toLowerCase()
    const now = Date.now()
    const entry = this.#entry(key)
    const acting = choose(entry.faults, key, now) ?? choose(this.#server, key, now)
    const at = new Date(now)
    const attempt: SmtpAttempt = {
      at,
      endedAt: at,
      outcome: 'pending',
      stage: 'rcpt',
      mailFrom: session.mailFrom,
      clientAddress: session.clientAddress,
    }
    entry.attempts.push(attempt)
    this.#attempts++
    if (entry.attempts.length > MAX_ATTEMPTS_PER_ADDRESS) {
      entry.attempts.shift()
      this.#attempts--
    }
    if (this.#attempts > MAX_ATTEMPTS) this.#evict(key)
    const open: OpenAttempt = { address: key, attempt }
    if (acting) open.acting = acting
    const list = this.#open.get(session.id)
    if (list) list.push(open)
    else this.#open.set(session.id, [open])
    if (acting?.fault.stage !== 'rcpt') return undefined
    return this.#acts(open)
  }

  /**
   * The fault one of the transaction's attempts brings to this stage (DATA, or the message's end), and the
   * stage the transaction reached.
   */
  transactionFault(sessionId: string, stage: 'data' | 'message'): FaultAction {
    const list = this.#open.get(sessionId)
    if (!list) return undefined
    for (const open of list) open.attempt.stage = stage
    const open = list.find((o) => o.acting?.fault.stage === stage)
    return open ? this.#acts(open) : undefined
  }

  /** Ends the recipient's attempt alone: its RCPT TO was refused. */
  endRecipient(sessionId: string, address: string, end: AttemptEnd): void {
    const list = this.#open.get(sessionId)
    const index = list?.findLastIndex((o) => o.address === address.toLowerCase()) ?? -1
    if (!list || index < 0) return
    const [open] = list.splice(index, 1)
    finish(open as OpenAttempt, end)
  }

  /**
   * Ends every attempt of the session's open transaction: the message's reply, a refused DATA, a drop, a
   * reset, the client leaving. Without `stage`, each keeps the stage it reached.
   */
  endTransaction(sessionId: string, end: Omit<AttemptEnd, 'stage'> & { stage?: FaultStage }): void {
    const list = this.#open.get(sessionId)
    if (!list) return
    this.#open.delete(sessionId)
    for (const open of list) finish(open, { ...end, stage: end.stage ?? open.attempt.stage })
  }

  // The fault acts on this attempt now; it is named on the attempt only then.
  #acts(open: OpenAttempt): FaultAction {
    if (!open.acting) return undefined
    open.acted = true
    open.attempt.fault = open.acting.fault.description
    return { fault: open.acting.fault }
  }

  #entry(address: string) {
    const key = address.toLowerCase()
    let entry = this.#inboxes.get(key)
    if (!entry) {
      entry = { faults: [], attempts: [] }
      this.#inboxes.set(key, entry)
      if (this.#inboxes.size > MAX_TRACKED_ADDRESSES) this.#evict(key)
    }
    return entry
  }

  // Oldest addresses first, never one with a fault in force nor the one being recorded.
  #evict(keep: string): void {
    for (const [address, entry] of this.#inboxes) {
      if (this.#inboxes.size <= MAX_TRACKED_ADDRESSES && this.#attempts <= MAX_ATTEMPTS) return
      if (address === keep || entry.faults.some(inForce)) continue
      this.#attempts -= entry.attempts.length
      this.#inboxes.delete(address)
    }
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
  outcome: Exclude<AttemptOutcome, 'pending'>
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
  // Held for a later stage the transaction never reached: the fault did nothing, and acts on a later try.
  if (open.acting && !open.acted && open.acting.fault.greylistMs === undefined) open.acting.used--
}

function inForce(active: ActiveFault): boolean {
  if (active.fault.greylistMs !== undefined) return true
  return active.fault.times === undefined || active.used < active.fault.times
}

// The first fault in force for this recipient, counted as used (an inbox's own, or a server-wide one from
// RCPT TO on). Greylisting refuses a recipient until its time has passed since the first refusal, then
// lets it through for good.
function choose(faults: ActiveFault[], address: string, now: number): ActiveFault | undefined {
  for (const active of faults) {
    if (!INBOX_FAULT_STAGES.includes(active.fault.stage)) continue
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

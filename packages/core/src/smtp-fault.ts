import { InvalidArgumentError } from './invalid-argument-error.js'

/**
 * Where in an SMTP session a fault acts: the reply to the greeting (`connect`), to `EHLO`/`HELO`, `AUTH`,
 * `MAIL FROM`, `RCPT TO`, the `DATA` command (instead of `354`), or the message (the reply after its final
 * dot; a `drop` here cuts the connection mid-DATA).
 */
export type FaultStage = 'connect' | 'ehlo' | 'auth' | 'mail' | 'rcpt' | 'data' | 'message'

/**
 * Stages at which the server knows the recipient: an inbox's faults act here. Before `RCPT TO` no
 * server can tell whose mail a session carries (RFC 5321 3.3), so earlier stages are for server-wide
 * faults (`mailwright serve --fault`) only.
 */
export const INBOX_FAULT_STAGES: readonly FaultStage[] = ['rcpt', 'data', 'message']
const ALL_STAGES: readonly FaultStage[] = ['connect', 'ehlo', 'auth', 'mail', 'rcpt', 'data', 'message']

/**
 * Office 365's replies, as Exchange Online gives them and the Office 365 emulator reproduces them; the
 * presets of {@link SmtpFault} use them. `{clientAddress}` is replaced by the client's IP address.
 *
 * - replies and their causes: https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online
 * - the limits behind them: https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
 */
export const OFFICE365_REPLIES = Object.freeze({
  throttling: '451 4.7.500 Server busy. Please try again later from [{clientAddress}]. (AS761)',
  concurrency: '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded',
  quota: '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException',
} as const)

/** A named fault: Office 365's throttling (a 4xx after the message), concurrency limit (4xx at DATA) and quota (5xx after the message). */
export type FaultPresetName = 'office365-throttling' | 'office365-concurrency' | 'office365-quota'

const PRESETS: Record<FaultPresetName, { stage: FaultStage; reply: string }> = {
  // Exchange judges the minute's rate once it has the message.
  'office365-throttling': { stage: 'message', reply: OFFICE365_REPLIES.throttling },
  // Microsoft documents this reply "at MAIL FROM or DATA"; an inbox's fault can act from RCPT on.
  'office365-concurrency': { stage: 'data', reply: OFFICE365_REPLIES.concurrency },
  'office365-quota': { stage: 'message', reply: OFFICE365_REPLIES.quota },
}
/** The preset names, for messages and the CLI. */
export const FAULT_PRESET_NAMES: readonly FaultPresetName[] = Object.freeze(
  Object.keys(PRESETS) as FaultPresetName[],
)

/**
 * What a mail server does wrong, deterministically, for one inbox (`inbox.simulate(fault)`), a whole
 * environment (`faults` in mailwright.config.ts) or, for manual exploration, a whole server
 * (`mailwright serve --fault`). Exactly one of `reply`, `drop`, `greylist` or a `delay` alone says what
 * happens; `times` says to how many attempts (SMTP transactions naming the inbox), then normal service.
 *
 * @example
 * await inbox.simulate({ stage: 'rcpt', reply: '451 4.7.1 Try again later', times: 2 })
 * await inbox.simulate({ greylist: { retryAfter: 2000 } })
 * await inbox.simulate({ stage: 'message', drop: true, times: 1 }) // connection cut mid-DATA
 * await inbox.simulate({ preset: 'office365-throttling', times: 1 })
 * await inbox.simulate({ stage: 'message', delay: 3000 })           // accepted, slowly
 */
export interface SmtpFault {
  /** An Office 365 reply at the stage Exchange gives it; other fields override its stage and reply. */
  preset?: FaultPresetName
  /** Where the fault acts. Default `rcpt` (a preset's own stage for a preset). */
  stage?: FaultStage
  /** The reply instead of the normal one: a 4xx or 5xx code and its text, e.g. `451 4.7.1 Try again later`. */
  reply?: string
  /** Milliseconds to wait before replying (the normal reply, or `reply`), at most 10 minutes. */
  delay?: number
  /** Close the connection instead of replying; at stage `message`, as soon as the message's first bytes arrive. */
  drop?: boolean
  /**
   * Greylisting: every attempt is refused (with `reply`, default `451 4.7.1 Greylisted`) until `retryAfter`
   * ms have passed since the first one; later attempts are accepted, as a greylisting server does once
   * the sender retried. Ends by itself, so it takes no `times`.
   */
  greylist?: { retryAfter: number }
  /** How many attempts the fault acts on before normal service. Default: every attempt until the test ends. */
  times?: number
}

/**
 * A fault for one inbox (`inbox.simulate`, an environment's `faults`): an {@link SmtpFault} at a stage where
 * the server knows the recipient.
 */
export type InboxFault = Omit<SmtpFault, 'stage'> & { stage?: 'rcpt' | 'data' | 'message' }

/** A fault checked and normalized: what the capture inbox applies. */
export interface ResolvedFault {
  stage: FaultStage
  reply?: { code: number; text: string }
  delayMs: number
  drop: boolean
  greylistMs?: number
  times?: number
  /** One line for messages and listings, e.g. `451 4.7.1 Try again later at RCPT, 2 times`. */
  description: string
}

const MAX_DELAY_MS = 10 * 60_000
const MAX_TIMES = 1_000_000
const KNOWN = ['preset', 'stage', 'reply', 'delay', 'drop', 'greylist', 'times']

/**
 * Checks a fault and fills in its defaults. `scope: 'inbox'` refuses stages before `RCPT TO`, where the
 * recipient is not yet known. Throws InvalidArgumentError naming the field, the value and what would do.
 *
 * @example
 * resolveFault({ preset: 'office365-throttling', times: 1 }, 'inbox').stage // 'message'
 */
export function resolveFault(fault: unknown, scope: 'inbox' | 'server', name = 'fault'): ResolvedFault {
  if (typeof fault !== 'object' || fault === null || Array.isArray(fault))
    throw new InvalidArgumentError(
      name,
      fault,
      'an object such as { stage: "rcpt", reply: "451 4.7.1 Try again later", times: 1 } (see docs/faults.md)',
    )
  const given = fault as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!KNOWN.includes(key))
      throw new InvalidArgumentError(`${name}.${key}`, given[key], `one of the fields ${KNOWN.join(', ')}`)
  }
  let preset: { stage: FaultStage; reply: string } | undefined
  if (given.preset !== undefined) {
    preset =
      typeof given.preset === 'string' && Object.hasOwn(PRESETS, given.preset)
        ? PRESETS[given.preset as FaultPresetName]
        : undefined
    if (!preset)
      throw new InvalidArgumentError(
        `${name}.preset`,
        given.preset,
        `one of ${FAULT_PRESET_NAMES.join(', ')}`,
      )
  }
  const stage = (given.stage ?? preset?.stage ?? 'rcpt') as FaultStage
  if (!ALL_STAGES.includes(stage)) {
    const allowed = scope === 'inbox' ? INBOX_FAULT_STAGES : ALL_STAGES
    const near = allowed.find((s) => String(given.stage).toLowerCase().startsWith(s))
    throw new InvalidArgumentError(
      `${name}.stage`,
      given.stage,
      `one of ${allowed.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`,
    )
  }
  if (scope === 'inbox' && !INBOX_FAULT_STAGES.includes(stage))
    throw new InvalidArgumentError(
      `${name}.stage`,
      stage,
      `one of ${INBOX_FAULT_STAGES.join(', ')} for an inbox's fault: before RCPT TO the server cannot know whose mail a session carries, so a fault there would reach every test. Use stage "rcpt" (the client gets the same reply code), or a server-wide fault (mailwright serve --fault) in a run of its own`,
    )
  const drop = given.drop === undefined ? false : given.drop
  if (typeof drop !== 'boolean') throw new InvalidArgumentError(`${name}.drop`, drop, 'true or false')
  const delayMs = given.delay ?? 0
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS)
    throw new InvalidArgumentError(`${name}.delay`, delayMs, `milliseconds from 0 to ${MAX_DELAY_MS}`)
  let greylistMs: number | undefined
  if (given.greylist !== undefined) {
    const retryAfter = (given.greylist as { retryAfter?: unknown } | null)?.retryAfter
    if (
      typeof given.greylist !== 'object' ||
      given.greylist === null ||
      Object.keys(given.greylist).some((key) => key !== 'retryAfter') ||
      typeof retryAfter !== 'number' ||
      !Number.isFinite(retryAfter) ||
      retryAfter < 0 ||
      retryAfter > MAX_DELAY_MS
    )
      throw new InvalidArgumentError(
        `${name}.greylist`,
        given.greylist,
        `{ retryAfter: milliseconds from 0 to ${MAX_DELAY_MS} }`,
      )
    greylistMs = retryAfter
  }
  const replyText = (given.reply ??
    preset?.reply ??
    (greylistMs !== undefined ? GREYLIST_REPLY : undefined)) as string | undefined
  const reply = replyText === undefined ? undefined : parseReply(replyText, `${name}.reply`)
  if (greylistMs !== undefined && !INBOX_FAULT_STAGES.includes(stage))
    throw new InvalidArgumentError(
      `${name}.stage`,
      stage,
      `one of ${INBOX_FAULT_STAGES.join(', ')} for greylisting, which remembers each recipient`,
    )
  if (greylistMs !== undefined && reply && reply.code >= 500)
    throw new InvalidArgumentError(
      `${name}.reply`,
      given.reply,
      'a 4xx reply for greylisting: a 5xx would tell the sender never to retry',
    )
  if (drop && given.reply !== undefined)
    throw new InvalidArgumentError(
      `${name}.drop`,
      drop,
      'no reply with it: a dropped connection answers nothing (give drop or reply, not both)',
    )
  if (drop && greylistMs !== undefined)
    throw new InvalidArgumentError(`${name}.drop`, drop, 'no greylist with it (give one of them)')
  if (greylistMs !== undefined && given.times !== undefined)
    throw new InvalidArgumentError(
      `${name}.times`,
      given.times,
      'no times with greylist: greylisting ends once retryAfter has passed',
    )
  if (!drop && !reply && delayMs === 0)
    throw new InvalidArgumentError(
      name,
      fault,
      'one of reply, drop, greylist, preset or a delay above 0: this fault would change nothing',
    )
  let times: number | undefined
  if (given.times !== undefined) {
    if (!Number.isInteger(given.times) || (given.times as number) < 1 || (given.times as number) > MAX_TIMES)
      throw new InvalidArgumentError(`${name}.times`, given.times, `a whole number from 1 to ${MAX_TIMES}`)
    times = given.times as number
  }
  const resolved: ResolvedFault = { stage, delayMs, drop, description: '' }
  if (reply) resolved.reply = reply
  if (greylistMs !== undefined) resolved.greylistMs = greylistMs
  if (times !== undefined) resolved.times = times
  resolved.description = describeFault(resolved)
  return resolved
}

const GREYLIST_REPLY = '451 4.7.1 Greylisted: this is a first attempt; please try again later'

function parseReply(text: unknown, name: string): { code: number; text: string } {
  // One line of printable ASCII: a CR or LF would let a test write commands into the client's stream.
  const match = typeof text === 'string' ? /^([45][0-5][0-9])(?: ([\x20-\x7e]{1,400}))?$/.exec(text) : null
  if (!match)
    throw new InvalidArgumentError(
      name,
      text,
      'a 4xx or 5xx SMTP reply code (400–459, 500–559) and its text on one line of printable ASCII, e.g. "451 4.7.1 Try again later" (at most 400 characters of text)',
    )
  const code = Number(match[1])
  // An enhanced status code must be of the reply's class (RFC 3463): "451 5.7.1" says two things.
  const enhanced = /^([245])\.\d{1,3}\.\d{1,3}\b/.exec(match[2] ?? '')?.[1]
  if (enhanced && enhanced !== String(code)[0])
    throw new InvalidArgumentError(
      name,
      text,
      `an enhanced status code of the reply's class (${String(code)[0]}.x.x after ${code}, RFC 3463)`,
    )
  return { code, text: match[2] ?? (code < 500 ? 'Try again later' : 'Refused') }
}

/**
 * The earlier fault that keeps `fault` from ever acting, if one does: a fault without `times` acts on
 * every attempt from RCPT TO on (so no later one is ever chosen there), on every session at its own stage,
 * and a refusal or drop without `times` before the fault's stage keeps every session from reaching it.
 *
 * @example
 * hidingFault([resolveFault({ reply: '550 5.1.1 Gone' }, 'inbox')], resolveFault({ reply: '451 4.7.1 Later' }, 'inbox'))
 */
export function hidingFault(
  earlier: readonly ResolvedFault[],
  fault: ResolvedFault,
): ResolvedFault | undefined {
  const order = (stage: FaultStage) => ALL_STAGES.indexOf(stage)
  const recipientStage = (stage: FaultStage) => INBOX_FAULT_STAGES.includes(stage)
  return earlier.find(
    (e) =>
      e.times === undefined &&
      e.greylistMs === undefined &&
      ((recipientStage(e.stage) && recipientStage(fault.stage)) ||
        e.stage === fault.stage ||
        ((e.drop || e.reply !== undefined) && order(e.stage) < order(fault.stage))),
  )
}

/** The error for a fault that {@link hidingFault} says could never act. */
export function faultNeverActsError(
  where: string,
  hidden: unknown,
  hiding: ResolvedFault,
  name = 'fault',
): InvalidArgumentError {
  return new InvalidArgumentError(
    name,
    hidden,
    `a fault that can act: ${where} already has ${hiding.description}, which acts on every attempt, so this one never would. Give the earlier one times (an environment's faults come before a test's own), or leave one out`,
  )
}

const STAGE_NAMES: Record<FaultStage, string> = {
  connect: 'the greeting',
  ehlo: 'EHLO',
  auth: 'AUTH',
  mail: 'MAIL FROM',
  rcpt: 'RCPT TO',
  data: 'DATA',
  message: 'the end of the message',
}

function describeFault(fault: ResolvedFault): string {
  const at = fault.stage === 'message' && fault.drop ? 'mid-DATA' : `at ${STAGE_NAMES[fault.stage]}`
  const what = fault.drop
    ? 'connection dropped'
    : fault.greylistMs !== undefined
      ? `greylisted for ${fault.greylistMs} ms`
      : fault.reply
        ? `"${fault.reply.code} ${fault.reply.text}"`
        : 'normal reply'
  const delay = fault.delayMs ? ` after ${fault.delayMs} ms` : ''
  const times = fault.times === undefined ? '' : `, ${fault.times} time${fault.times === 1 ? '' : 's'}`
  return `${what} ${at}${delay}${times}`
}

/** How an attempt ended; `pending` while its transaction is still going on. */
export type AttemptOutcome = 'delivered' | 'refused' | 'dropped' | 'abandoned' | 'pending'

/**
 * One SMTP transaction that named an inbox's address (from its `RCPT TO`), whatever came of it:
 * `delivered` (the message was captured), `refused` (a 4xx/5xx, from a fault or not, a 421 closing the
 * session included), `dropped` (a fault cut the connection), `abandoned` (the client reset the transaction,
 * quit or went away first), or `pending` (still going on).
 */
export interface SmtpAttempt {
  /** When the client named the address (its `RCPT TO`). */
  at: Date
  /** The attempt's end: the reply, the drop, or the client leaving; its start while pending. */
  endedAt: Date
  outcome: AttemptOutcome
  /** The stage the attempt ended at. */
  stage: FaultStage
  /** The last reply the client got for it (`250 2.0.0 Captured as …`, `451 …`); none when dropped. */
  reply?: string
  /** The envelope sender (`MAIL FROM`), empty for a bounce. */
  mailFrom: string
  /** The client's IP address. */
  clientAddress: string
  /** The simulated fault that acted on this attempt (once it acted), as described when it was added. */
  fault?: string
  /** The captured email's id, when delivered. */
  emailId?: string
}

/** The attempts as lines, with the time since the first: `2. +1012 ms  delivered  250 2.0.0 Captured as …`. */
export function describeAttempts(attempts: readonly SmtpAttempt[]): string[] {
  const first = attempts[0]?.at.getTime() ?? 0
  return attempts.map((attempt, i) => {
    const offset = `+${attempt.at.getTime() - first} ms`
    const where =
      attempt.outcome === 'delivered'
        ? ''
        : attempt.outcome === 'dropped' && attempt.stage === 'message'
          ? ' mid-DATA'
          : ` at ${STAGE_NAMES[attempt.stage]}`
    const reply = attempt.reply ? `  ${attempt.reply}` : ''
    const fault = attempt.fault ? `  (simulated: ${attempt.fault})` : ''
    return `  ${i + 1}. ${offset.padEnd(10)} ${attempt.outcome}${where}${reply}${fault}`
  })
}

/** An attempt as JSON (the HTTP API's form): dates as ISO strings. */
export type SmtpAttemptJson = Omit<SmtpAttempt, 'at' | 'endedAt'> & { at: string; endedAt: string }

/** Reads an attempt from the HTTP API's JSON. */
export function attemptFromJson(json: SmtpAttemptJson): SmtpAttempt {
  return { ...json, at: new Date(json.at), endedAt: new Date(json.endedAt) }
}

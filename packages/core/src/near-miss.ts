import type { EmailSummary } from './captured-email.js'

/**
 * An email that arrived but did not satisfy a wait: for this inbox with the reasons it failed the query,
 * one an earlier wait already returned, or one that would have matched but went to another address.
 */
export interface NearMiss {
  kind: 'this-inbox' | 'already-returned' | 'other-address'
  id: string
  subject: string
  from: string
  to: string[]
  receivedAt: string
  /** Why it did not count, one line per failing field. */
  reasons: string[]
}

/**
 * Builds the JSON-safe near-miss record of an email.
 *
 * @example
 * nearMiss('this-inbox', summary, ['subject "Hi" does not match /Verify/'])
 */
export function nearMiss(kind: NearMiss['kind'], email: EmailSummary, reasons: string[]): NearMiss {
  return {
    kind,
    id: email.id,
    subject: email.subject,
    from: email.from?.address ?? email.envelope.mailFrom,
    to: email.envelope.rcptTo,
    receivedAt: email.receivedAt.toISOString(),
    reasons,
  }
}

/** Renders near misses as indented lines, grouped by kind, for error messages. */
export function formatNearMisses(nearMisses: readonly NearMiss[]): string {
  const groups: Array<[NearMiss['kind'], string]> = [
    ['this-inbox', 'Arrived for this inbox but did not match:'],
    ['already-returned', 'Matched, but an earlier wait on this inbox already returned them:'],
    ['other-address', 'Would have matched, but went to another address:'],
  ]
  const lines: string[] = []
  for (const [kind, title] of groups) {
    const items = nearMisses.filter((m) => m.kind === kind)
    if (items.length === 0) continue
    lines.push(title)
    for (const m of items) {
      const head = `  - ${JSON.stringify(m.subject)} from ${m.from || '<>'} to ${m.to.join(', ')} at ${m.receivedAt}`
      lines.push(m.reasons.length ? `${head}: ${m.reasons.join('; ')}` : head)
    }
  }
  return lines.join('\n')
}

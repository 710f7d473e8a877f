import type { CapturedEmail } from './captured-email.js'

/**
 * Where a real mailbox filed an email and how Exchange Online Protection judged it, from the folder the
 * inbox read it in and the headers Microsoft documents ("Anti-spam message headers in cloud organizations",
 * https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo).
 */
export interface SpamVerdict {
  /** The folder it was filed in (`junkemail` is Junk Email), when the inbox knows. */
  folder?: string
  /** Spam confidence level: -1 skipped, 0–1 not spam, 5–6 spam, 8–9 high confidence spam. */
  scl?: number
  /** The spam filtering verdict (`SFV:` of X-Forefront-Antispam-Report), e.g. `SPM`, `NSPM`, `SKI`. */
  sfv?: string
  /** The protection policy that applied (`CAT:`), e.g. `SPM`, `SPOOF`, `PHSH`, `BULK`, `NONE`. */
  cat?: string
  /** Bulk complaint level (X-Microsoft-Antispam `BCL:`). */
  bcl?: number
  /** Microsoft's composite authentication, e.g. `fail reason=001`. */
  compauth?: string
  /** Whether it counts as junk: filed in Junk Email, SCL 5 or more, or a spam verdict. */
  junk: boolean
  /** Each finding in words, for messages and reports. */
  reasons: string[]
}

const SFV: Record<string, string> = {
  SPM: 'spam filtering marked it as spam',
  NSPM: 'spam filtering marked it as not spam',
  SKI: 'filtering skipped: mail inside the organization',
  SKN: 'marked not spam by a mail flow rule',
  SKS: 'marked spam by a mail flow rule',
  SKA: 'the sender is on an allowed list',
  SKB: 'the sender is on a blocked list',
  BLK: 'the sender is blocked',
  SFE: 'the recipient allows the sender (safe senders)',
}
const CAT: Record<string, string> = {
  SPM: 'spam',
  HSPM: 'high confidence spam',
  PHSH: 'phishing',
  HPHSH: 'high confidence phishing',
  SPOOF: 'spoofing: the From domain did not authenticate',
  BULK: 'bulk mail',
  GIMP: 'mailbox intelligence impersonation',
  UIMP: 'user impersonation',
  DIMP: 'domain impersonation',
  MALW: 'malware',
  NONE: 'no policy applied',
}
const JUNK_SFV = new Set(['SPM', 'SKS', 'SKB', 'BLK'])

/**
 * Reads Exchange Online's spam verdict of an email: the folder it was filed in, `X-Forefront-Antispam-Report`
 * (SCL, SFV, CAT), `X-MS-Exchange-Organization-SCL`, `X-Microsoft-Antispam` (BCL) and `compauth` from
 * Authentication-Results. An email nothing judged (the capture inbox) has no findings and is not junk.
 *
 * @example
 * const verdict = exchangeSpamVerdict(email)
 * if (verdict.junk) console.log(verdict.reasons.join('; '))
 */
export function exchangeSpamVerdict(email: CapturedEmail): SpamVerdict {
  const report = fields(email.header('x-forefront-antispam-report'))
  const antispam = fields(email.header('x-microsoft-antispam'))
  const sclText = report.get('SCL') ?? email.header('x-ms-exchange-organization-scl')?.trim()
  const scl = sclText !== undefined && /^-?\d+$/.test(sclText) ? Number(sclText) : undefined
  const sfv = report.get('SFV')?.toUpperCase()
  const cat = report.get('CAT')?.toUpperCase()
  const bclText = antispam.get('BCL')
  const compauth = email
    .headerValues('authentication-results')
    .map((v) => /compauth=(\w+(?:\s+reason=\d+)?)/i.exec(v)?.[1])
    .find(Boolean)
  const reasons: string[] = []
  if (email.folder === 'junkemail') reasons.push('filed in Junk Email')
  else if (email.folder) reasons.push(`filed in ${email.folder}`)
  if (scl !== undefined)
    reasons.push(
      `SCL ${scl} (${scl < 0 ? 'filtering skipped' : scl <= 1 ? 'not spam' : scl <= 6 ? 'spam' : 'high confidence spam'})`,
    )
  if (sfv) reasons.push(`SFV:${sfv} (${SFV[sfv] ?? 'a verdict Microsoft documents'})`)
  if (cat && cat !== 'NONE') reasons.push(`CAT:${cat} (${CAT[cat] ?? 'a policy Microsoft documents'})`)
  if (compauth) reasons.push(`compauth=${compauth}`)
  const junk =
    email.folder === 'junkemail' ||
    (scl !== undefined && scl >= 5) ||
    (sfv !== undefined && JUNK_SFV.has(sfv))
  return {
    ...(email.folder !== undefined ? { folder: email.folder } : {}),
    ...(scl !== undefined ? { scl } : {}),
    ...(sfv ? { sfv } : {}),
    ...(cat ? { cat } : {}),
    ...(bclText && /^\d+$/.test(bclText) ? { bcl: Number(bclText) } : {}),
    ...(compauth ? { compauth } : {}),
    junk,
    reasons,
  }
}

// "CIP:1.2.3.4;CTRY:;SCL:5;SFV:SPM;" → Map { CIP → 1.2.3.4, SCL → 5, SFV → SPM }
function fields(value: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const pair of (value ?? '').split(';')) {
    const colon = pair.indexOf(':')
    if (colon > 0) map.set(pair.slice(0, colon).trim().toUpperCase(), pair.slice(colon + 1).trim())
  }
  return map
}

import type { EmailAuth } from '../auth/email-auth.js'
import type { CapturedEmail } from '../captured-email.js'
import { MailwrightError } from '../mailwright-error.js'

/** The email's verdict, or an error that says how to get one. */
export function requireAuth(email: CapturedEmail, matcher: string): EmailAuth {
  if (email.auth) return email.auth
  throw new MailwrightError(
    'NO_AUTH_VERDICT',
    `expect(email).${matcher}() needs an authentication verdict, but ${email.describe()} has none: the inbox that captured it has no sending profile. Give the inbox server one, e.g. startInboxServer({ sendingProfile: { ip: '203.0.113.10', dns: zoneResolver(records) } }) (or dns: 'system' for real DNS).`,
  )
}

/** The lines under `Email:` in the layout of DESIGN.md: each method's verdict, then who judged. */
export function authBlock(auth: EmailAuth): string[] {
  const lines: string[] = []
  if (auth.spf) {
    const decided = auth.spf.mechanism ? ` by ${auth.spf.mechanism}` : ''
    const why = auth.spf.comment ? ` (${auth.spf.comment})` : ''
    lines.push(`  spf:    ${auth.spf.result.padEnd(5)} smtp.mailfrom=${auth.spf.domain}${decided}${why}`)
    // The domain owner's own words (exp=, RFC 7208 6.2): third-party text, quoted as such.
    if (auth.spf.explanation)
      lines.push(`          the domain explains: ${JSON.stringify(auth.spf.explanation)}`)
  } else lines.push('  spf:    none')
  if (auth.dkim.length === 0) lines.push('  dkim:   none  (no DKIM-Signature)')
  for (const d of auth.dkim) {
    const why = d.comment ? `: ${d.comment}` : ''
    lines.push(
      `  dkim:   ${d.result.padEnd(5)} d=${d.domain ?? '?'} s=${d.selector ?? '?'}${d.aligned ? ' (aligned)' : ' (not aligned)'}${why}`,
    )
  }
  if (auth.dmarc) {
    const a = auth.dmarc.alignment
    const align = `spf ${a.spf ? 'aligned' : 'not aligned'}${a.spfStrict ? ' (strict)' : ''}, dkim ${a.dkim ? 'aligned' : 'not aligned'}${a.dkimStrict ? ' (strict)' : ''}`
    lines.push(
      `  dmarc:  ${auth.dmarc.result.padEnd(5)} p=${auth.dmarc.policy ?? '?'} header.from=${auth.dmarc.domain ?? '?'} (${align})`,
    )
    if (auth.dmarc.result === 'none' && auth.dmarc.comment) lines.push(`          ${auth.dmarc.comment}`)
  } else lines.push('  dmarc:  none')
  if (auth.arc) lines.push(`  arc:    ${auth.arc.result}`)
  lines.push(`Source:   ${auth.source}`)
  for (const ignored of auth.ignored ?? []) lines.push(`Ignored:  ${ignored}`)
  return lines
}

import { type CapturedEmail, exchangeSpamVerdict } from '@mailwright/core'
import { bulkSenderChecks } from '@mailwright/core/internal'
import type { ReportedEmail } from './email-report.js'

/**
 * An email as the report keeps it: who, what, how big, when, its links, the verdicts with their source and
 * the bulk-sender requirements, the spam verdict of a real mailbox — never the body.
 *
 * @example
 * reportEmail(email, { waited: true, asserted: false, waitMs: 12.5 })
 */
export function reportEmail(
  email: CapturedEmail,
  how: { waited: boolean; asserted: boolean; waitMs?: number },
): ReportedEmail {
  const auth = email.auth
  const spam = exchangeSpamVerdict(email)
  return {
    id: email.id,
    ...(email.messageId ? { messageId: email.messageId } : {}),
    ...(email.from ? { from: email.from.address } : {}),
    to: email.to.map((a) => a.address),
    cc: email.cc.map((a) => a.address),
    recipients: [...email.envelope.rcptTo],
    subject: email.subject,
    size: email.size,
    receivedAt: email.receivedAt.toISOString(),
    ...(how.waitMs !== undefined ? { waitMs: how.waitMs } : {}),
    waited: how.waited,
    asserted: how.asserted,
    links: email.links.map((l) => l.href),
    ...(auth
      ? {
          auth: {
            ...(auth.spf ? { spf: auth.spf.result } : {}),
            dkim: auth.dkim.map((d) => ({
              result: d.result,
              ...(d.domain ? { domain: d.domain } : {}),
              ...(d.selector ? { selector: d.selector } : {}),
            })),
            ...(auth.dmarc
              ? {
                  dmarc: {
                    result: auth.dmarc.result,
                    ...(auth.dmarc.domain ? { domain: auth.dmarc.domain } : {}),
                    ...(auth.dmarc.policy ? { policy: auth.dmarc.policy } : {}),
                    aligned: auth.dmarc.alignment.spf || auth.dmarc.alignment.dkim,
                  },
                }
              : {}),
            ...(auth.arc ? { arc: auth.arc.result } : {}),
            source: auth.source,
          },
          bulkSender: bulkSenderChecks(email, auth).map(([requirement, met]) => ({ requirement, met })),
        }
      : {}),
    ...(spam.reasons.length > 0
      ? {
          spam: {
            junk: spam.junk,
            ...(spam.folder !== undefined ? { folder: spam.folder } : {}),
            reasons: spam.reasons,
          },
        }
      : {}),
  }
}

import {
  type CapturedEmail,
  type CompatibilityFinding,
  type ContentCheckResult,
  exchangeSpamVerdict,
} from '@mailwright/core'
import { bulkSenderChecks } from '@mailwright/core/internal'
import type { ReportedChecks, ReportedEmail } from './email-report.js'

/**
 * An email as the report keeps it: who, what, how big, when, its links, the verdicts with their source and
 * the bulk-sender requirements, the spam verdict of a real mailbox — never the body.
 *
 * @example
 * reportEmail(email, { waited: true, asserted: false, waitMs: 12.5 })
 */
export function reportEmail(
  email: CapturedEmail,
  how: { waited: boolean; asserted: boolean; waitMs?: number; checks?: readonly ContentCheckResult[] },
): ReportedEmail {
  const checks = reportChecks(how.checks ?? [])
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
    ...(checks ? { checks } : {}),
  }
}

/** The last result of each kind of check, as the report keeps it; undefined when none ran. */
export function reportChecks(results: readonly ContentCheckResult[]): ReportedChecks | undefined {
  const checks: ReportedChecks = {}
  for (const result of results) {
    switch (result.kind) {
      case 'spam':
        checks.spam = {
          checker: result.checker,
          score: result.score,
          threshold: result.threshold,
          action: result.action,
          symbols: result.symbols
            .filter((s) => s.score !== 0)
            .map((s) => ({
              name: s.name,
              score: s.score,
              ...(s.description ? { description: s.description } : {}),
            })),
        }
        break
      case 'compatibility': {
        const finding = (f: CompatibilityFinding) => ({ feature: f.feature, clients: f.clients, url: f.url })
        checks.compatibility = {
          clients: result.clients,
          failOnPartial: result.failOnPartial,
          unsupported: result.unsupported.map(finding),
          partial: result.partial.map(finding),
        }
        break
      }
      case 'links':
        checks.links = {
          ok: result.links.filter((l) => l.outcome === 'ok').length,
          notChecked: result.links.filter((l) => l.outcome === 'not-checked').map((l) => l.url),
          failing: result.links.flatMap((l) =>
            l.outcome === 'broken' || l.outcome === 'problem'
              ? [
                  {
                    url: l.url,
                    element: l.element,
                    outcome: l.outcome,
                    ...(l.status !== undefined ? { status: l.status } : {}),
                    ...(l.reason ? { reason: l.reason } : {}),
                  },
                ]
              : [],
          ),
        }
        break
      case 'accessibility':
        checks.accessibility = {
          impact: result.impact,
          // Those below the test's impact too: a gate rule may hold a stricter line than the test did.
          violations: [...result.violations, ...result.belowImpact].map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            helpUrl: v.helpUrl,
            elements: v.nodes.length,
          })),
        }
        break
    }
  }
  return Object.keys(checks).length ? checks : undefined
}

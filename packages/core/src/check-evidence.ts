import type { CompatibilityFinding, ContentCheckResult } from './content-checks.js'
import { violationLines } from './matchers/to-be-accessible.js'
import { spamDetails, spamFilterName } from './matchers/to-have-spam-score.js'
import { linkLine } from './matchers/to-have-working-links.js'

/**
 * The content checks a test ran on one email, as the text file of its evidence: the last result of each
 * kind, with what a failure would list (rules and scores, features and clients, links, violations).
 *
 * @example
 * checkEvidence([spamResult, linksResult]) // 'Spam score: 1.2 from rspamd (no action), threshold 6\n…'
 */
export function checkEvidence(results: readonly ContentCheckResult[]): string {
  const last = new Map(results.map((r) => [r.kind, r]))
  const sections: string[][] = []
  for (const result of last.values()) {
    switch (result.kind) {
      case 'spam':
        sections.push([
          `Spam score: ${result.score} from ${spamFilterName(result.checker)} (${result.action}), spam from ${result.threshold}`,
          ...spamDetails(result).map((l) => `  ${l}`),
        ])
        break
      case 'compatibility': {
        const lines = (title: string, findings: CompatibilityFinding[]) =>
          findings.length
            ? [`  ${title}:`, ...findings.map((f) => `    ${f.feature} — ${f.clients.join(', ')} (${f.url})`)]
            : []
        sections.push([
          `Client compatibility (caniemail, ${result.dataDate}) for ${result.clients.join(', ')}: ${result.unsupported.length} unsupported, ${result.partial.length} partly supported`,
          ...lines('Not supported', result.unsupported),
          ...lines('Partly supported', result.partial),
        ])
        break
      }
      case 'links': {
        const count = (outcome: string) => result.links.filter((l) => l.outcome === outcome).length
        sections.push([
          `Links and images: ${count('ok')} ok, ${count('broken')} broken, ${count('problem')} with a problem, ${count('not-checked')} not checked`,
          ...result.links.map((l) => `  ${linkLine(l)}`),
        ])
        break
      }
      case 'accessibility':
        sections.push([
          `Accessibility (axe-core ${result.axeVersion}): ${result.violations.length} violation(s) of impact ${result.impact} or more`,
          ...result.violations.flatMap(violationLines).map((l) => `  ${l}`),
          ...(result.belowImpact.length
            ? [
                `  Below ${result.impact}: ${result.belowImpact.map((v) => `${v.id} (${v.impact})`).join(', ')}`,
              ]
            : []),
        ])
        break
    }
  }
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`
}

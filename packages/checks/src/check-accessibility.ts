import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import {
  type AccessibilityCheckOptions,
  type AccessibilityCheckResult,
  type AccessibilityImpact,
  type AccessibilityViolation,
  type CapturedEmail,
  InvalidArgumentError,
  scaledTimeout,
} from '@mailwright/core'
import { renderEmailHtml } from '@mailwright/core/internal'
import { emailPage } from './email-page.js'

const IMPACTS: readonly AccessibilityImpact[] = ['minor', 'moderate', 'serious', 'critical']
const require = createRequire(import.meta.url)
let axeSource: string | undefined

/**
 * Rules about a web page's structure that an email, shown inside a mail client's page, cannot meet: off by
 * default (turn one on with `rules: { region: true }`).
 */
export const PAGE_ONLY_RULES = [
  'region',
  'landmark-one-main',
  'page-has-heading-one',
  'bypass',
  'document-title',
]

/**
 * Renders the email's HTML in Chromium — scripts blocked by policy, every request refused — and runs
 * axe-core on it (WCAG 2.x A and AA, best practices), plus Mailwright's rule that a layout table carries
 * `role="presentation"`. Violations at `impact` or above fail; those below are listed apart. An email with
 * no HTML has nothing to check. A renderer that crashes or a run that exceeds `timeout` gives a
 * {@link CheckError} naming axe-core.
 *
 * @example
 * const { violations } = await checkAccessibility(email, { impact: 'serious' })
 */
export async function checkAccessibility(
  email: CapturedEmail,
  options: AccessibilityCheckOptions = {},
): Promise<AccessibilityCheckResult> {
  const impact = options.impact ?? 'minor'
  if (!IMPACTS.includes(impact))
    throw new InvalidArgumentError('accessibility impact', impact, `one of ${IMPACTS.join(', ')}`)
  const version = (require('axe-core/package.json') as { version: string }).version
  if (email.html === undefined)
    return { kind: 'accessibility', violations: [], belowImpact: [], impact, axeVersion: version }
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
  const timeout = options.timeout ?? scaledTimeout(30_000)
  const rules = {
    ...Object.fromEntries(PAGE_ONLY_RULES.map((id) => [id, false])),
    ...options.rules,
  }
  const document = renderEmailHtml(email, { scheme: 'light' })
  const found = await emailPage('axe-core', document, { width: 800, height: 600 }, timeout, async (page) => {
    // Injected once per page: the page is reused, and replacing its document keeps its globals.
    if ((await page.evaluate('typeof axe')) === 'undefined') await page.evaluate(axeSource as string)
    const settings = {
      rules: Object.fromEntries(Object.entries(rules).map(([id, enabled]) => [id, { enabled }])),
    }
    // An expression that calls the function: a string given as the page function is not called with its argument.
    return (await page.evaluate(`(${RUN_AXE})(${JSON.stringify(settings)})`)) as RawViolation[]
  })
  const violations = found
    .map(
      (v): AccessibilityViolation => ({
        id: v.id,
        impact: IMPACTS.includes(v.impact as AccessibilityImpact)
          ? (v.impact as AccessibilityImpact)
          : 'minor',
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: shorten(n.html) })),
      }),
    )
    .sort((a, b) => IMPACTS.indexOf(b.impact) - IMPACTS.indexOf(a.impact) || a.id.localeCompare(b.id))
  const least = IMPACTS.indexOf(impact)
  return {
    kind: 'accessibility',
    violations: violations.filter((v) => IMPACTS.indexOf(v.impact) >= least),
    belowImpact: violations.filter((v) => IMPACTS.indexOf(v.impact) < least),
    impact,
    axeVersion: version,
  }
}

interface RawViolation {
  id: string
  impact?: string
  help: string
  helpUrl: string
  nodes: Array<{ target: string[]; html: string }>
}

function shorten(html: string): string {
  const line = html.replace(/\s+/g, ' ').trim()
  return line.length > 120 ? `${line.slice(0, 117)}...` : line
}

// Runs in the page (a string: this package has no DOM types). Mailwright's one rule: a table used for
// layout, as nearly every email's are, must say so (role="presentation"), or screen readers announce rows
// and columns that mean nothing. A table with headers, a caption or a summary is taken as a data table.
const RUN_AXE = `async ({ rules }) => {
  axe.configure({
    checks: [{
      id: 'mailwright-layout-table-role',
      evaluate: function (node) {
        const role = (node.getAttribute('role') || '').trim().toLowerCase()
        if (role === 'presentation' || role === 'none') return true
        return Boolean(node.querySelector('th, caption, [scope], [headers]') || node.getAttribute('summary'))
      },
      metadata: { impact: 'moderate', messages: { pass: 'the table is marked as layout or has headers', fail: 'a layout table without role="presentation"' } },
    }],
    rules: [{
      id: 'email-layout-table',
      selector: 'table',
      any: ['mailwright-layout-table-role'],
      impact: 'moderate',
      tags: ['mailwright', 'best-practice'],
      metadata: {
        description: 'Ensures tables used for layout are marked with role="presentation"',
        help: 'Layout tables must have role="presentation" (or headers, if they hold data)',
        helpUrl: 'https://www.w3.org/WAI/tutorials/tables/',
      },
    }],
  })
  const result = await axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice', 'mailwright'] },
    rules,
    resultTypes: ['violations'],
  })
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.slice(0, 50).map((n) => ({ target: n.target.map(String), html: n.html })),
  }))
}`

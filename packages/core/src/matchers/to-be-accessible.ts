import type {
  AccessibilityCheckOptions,
  AccessibilityCheckResult,
  AccessibilityViolation,
} from '../content-checks.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { currentCheckContext, runContentCheck } from '../run-content-check.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

const SHOWN_NODES = 3

/**
 * Renders the email's HTML in Chromium (no scripts, nothing fetched) and runs axe-core on it: language,
 * alternative text, contrast, link text, heading order, and Mailwright's rule that layout tables carry
 * `role="presentation"`. Passes when no violation reaches `impact` (default: any). A failure lists each
 * violation with its elements and axe-core's help page. Needs `@mailwright/checks` and a Chromium.
 *
 * @example
 * await expect(email).toBeAccessible()
 * await expect(email).toBeAccessible({ impact: 'serious', rules: { 'color-contrast': false } })
 */
export async function toBeAccessible(
  this: MatcherState,
  received: unknown,
  options: AccessibilityCheckOptions = {},
): Promise<MatcherResult> {
  const email = assertEmail(received, 'toBeAccessible')
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(
      'toBeAccessible() options',
      options,
      "{ impact?: 'minor' | 'moderate' | 'serious' | 'critical', rules?: { [id]: boolean } }",
    )
  const context = currentCheckContext()
  const configured = context.checks.accessibility ?? {}
  const settings: AccessibilityCheckOptions = {
    ...configured,
    ...options,
    rules: { ...configured.rules, ...options.rules },
  }
  const result = await runContentCheck<AccessibilityCheckResult>(
    email,
    'axe-core',
    'expect(email).toBeAccessible()',
    { accessibility: settings },
    (checks) => checks.checkAccessibility(email, settings),
  )
  return {
    pass: result.violations.length === 0,
    name: 'toBeAccessible',
    email,
    check: result,
    actual: result.violations,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toBeAccessible',
        isNot: this.isNot,
        args: Object.keys(options).length ? show(options) : '',
        expected: `no accessibility violation${result.impact === 'minor' ? '' : ` of impact ${result.impact} or more`}`,
        received: result.violations.length === 0 ? 'none' : `${result.violations.length} violation(s)`,
        details: [
          ...result.violations.flatMap(violationLines),
          ...(result.belowImpact.length
            ? [
                `Below ${result.impact} (not failing): ${result.belowImpact.map((v) => `${v.id} (${v.impact})`).join(', ')}`,
              ]
            : []),
          `Checked by axe-core ${result.axeVersion} on the email rendered in Chromium.`,
        ],
        email,
      }),
  }
}

/** One violation as a failure shows it: impact, rule, help, its elements, the help page. */
export function violationLines(v: AccessibilityViolation): string[] {
  return [
    `  ${v.impact.padEnd(8)} ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'})`,
    ...v.nodes.slice(0, SHOWN_NODES).map((n) => `           ${n.target}  ${n.html}`),
    ...(v.nodes.length > SHOWN_NODES ? [`           … and ${v.nodes.length - SHOWN_NODES} more`] : []),
    `           ${v.helpUrl}`,
  ]
}

import { contentCheckViolations, defineGateRule, type EmailFilter, REQUIRE, WHERE } from '../gate-rule.js'

const IMPACTS = ['minor', 'moderate', 'serious', 'critical'] as const

/** `{ "rule": "accessible", "impact"?: "serious", "require"?: true, "where"?: { … } }` */
export interface AccessibleRule {
  rule: 'accessible'
  /** The least impact that is a violation. Default: what the test's check failed on. */
  impact?: (typeof IMPACTS)[number]
  require?: boolean
  where?: EmailFilter
}

/** No picked email a test checked (`toBeAccessible`) has an axe-core violation of `impact` or more. */
export const accessible = defineGateRule<AccessibleRule>({
  rule: 'accessible',
  description:
    'No picked email a test checked with toBeAccessible has an axe-core violation of `impact` or more (default: what the test failed on).',
  keys: {
    impact: {
      schema: { enum: [...IMPACTS] },
      check: (value) =>
        IMPACTS.includes(value as (typeof IMPACTS)[number]) ? undefined : `one of ${IMPACTS.join(', ')}`,
    },
    require: REQUIRE,
    where: WHERE,
  },
  evaluate(report, rule) {
    return contentCheckViolations(report, rule, 'accessibility', 'toBeAccessible', (result) =>
      result.violations
        .filter(
          (v) =>
            IMPACTS.indexOf(v.impact as (typeof IMPACTS)[number]) >=
            IMPACTS.indexOf((rule.impact ?? result.impact) as (typeof IMPACTS)[number]),
        )
        .map(
          (v) =>
            `${v.impact} ${v.id}: ${v.help} (${v.elements} element${v.elements === 1 ? '' : 's'}; ${v.helpUrl})`,
        ),
    )
  },
})

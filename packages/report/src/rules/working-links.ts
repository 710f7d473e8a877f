import { contentCheckViolations, defineGateRule, type EmailFilter, REQUIRE, WHERE } from '../gate-rule.js'

/** `{ "rule": "working-links", "require"?: true, "where"?: { … } }` */
export interface WorkingLinksRule {
  rule: 'working-links'
  require?: boolean
  where?: EmailFilter
}

/** Every link and image of the picked emails a test checked (`toHaveWorkingLinks`) worked. */
export const workingLinks = defineGateRule<WorkingLinksRule>({
  rule: 'working-links',
  description:
    'Every link and image of the picked emails a test checked with toHaveWorkingLinks answered below 400, with no http: where https: is required and no forbidden host.',
  keys: { require: REQUIRE, where: WHERE },
  evaluate(report, rule) {
    return contentCheckViolations(report, rule, 'links', 'toHaveWorkingLinks', (links) =>
      links.failing.map(
        (l) =>
          `${l.outcome} ${l.element === 'image' ? 'image ' : ''}${l.url}${l.status === undefined ? '' : ` (${l.status})`}${l.reason ? `: ${l.reason}` : ''}`,
      ),
    )
  },
})

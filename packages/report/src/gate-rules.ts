import type { GateRuleDefinition } from './gate-rule.js'
import { type AccessibleRule, accessible } from './rules/accessible.js'
import { type BulkSenderRule, bulkSender } from './rules/bulk-sender.js'
import { type ClientCompatibilityRule, clientCompatibility } from './rules/client-compatibility.js'
import { type DmarcPassRule, dmarcPass } from './rules/dmarc-pass.js'
import { type MaxSizeRule, maxSize } from './rules/max-size.js'
import {
  type NoFailedEmailAssertionsRule,
  noFailedEmailAssertions,
} from './rules/no-failed-email-assertions.js'
import { type NotJunkRule, notJunk } from './rules/not-junk.js'
import { type SameAcrossEnvironmentsRule, sameAcrossEnvironments } from './rules/same-across-environments.js'
import { type SpamScoreRule, spamScore } from './rules/spam-score.js'
import { type WorkingLinksRule, workingLinks } from './rules/working-links.js'

/** One rule of `mailwright.gate.json`. */
export type GateRule =
  | NoFailedEmailAssertionsRule
  | DmarcPassRule
  | MaxSizeRule
  | BulkSenderRule
  | NotJunkRule
  | SameAcrossEnvironmentsRule
  | SpamScoreRule
  | ClientCompatibilityRule
  | WorkingLinksRule
  | AccessibleRule

/** Every gate rule, in the order messages list them: the parser, the evaluator and the schema read this. */
export const GATE_RULES: ReadonlyArray<GateRuleDefinition<GateRule>> = [
  noFailedEmailAssertions,
  dmarcPass,
  maxSize,
  bulkSender,
  notJunk,
  sameAcrossEnvironments,
  spamScore,
  clientCompatibility,
  workingLinks,
  accessible,
]

// The evidence report of a run (mailwright-report.json, JUnit, Markdown) and the release gate that checks it.
export { buildEmailReport, reportedTest } from './build-email-report.js'
export { checkEmailReport } from './check-email-report.js'
export {
  type EmailReport,
  REPORT_VERSION,
  type ReportedAssertion,
  type ReportedChecks,
  type ReportedEmail,
  type ReportedTest,
  type ReportedWait,
  type TestEmailRecord,
} from './email-report.js'
export {
  DEFAULT_GATE_POLICY,
  evaluateGate,
  formatViolations,
  type GatePolicy,
  loadEmailReport,
  loadGatePolicy,
  mergeEmailReports,
  parseGatePolicy,
} from './gate.js'
export { GateInputError } from './gate-input-error.js'
export {
  defineGateRule,
  type EmailFilter,
  type GateRuleDefinition,
  type GateRuleKey,
  type GateViolation,
} from './gate-rule.js'
export { GATE_RULES, type GateRule } from './gate-rules.js'
export { gateSchema } from './gate-schema.js'
export { renderJunit } from './render-junit.js'
export { renderMarkdown } from './render-markdown.js'
export { reportEmail } from './report-email.js'
export { TestEmailRecorder } from './test-email-recorder.js'
export { type EmailReportFiles, writeEmailReport } from './write-email-report.js'

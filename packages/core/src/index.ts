// The public entry: what a test suite, its config and the docs use. Back-end authors add
// '@mailwright/core/plugin'; Mailwright's own packages share more through '@mailwright/core/internal'.
export { type CheckSpfOptions, checkSpf } from './auth/check-spf.js'
export type { SendingProfile } from './auth/compute-email-auth.js'
export { type DnsRecordSet, type DnsRecords, type DnsResolver, zoneResolver } from './auth/dns-resolver.js'
export type { ArcVerdict, DkimVerdict, DmarcVerdict, EmailAuth, SpfVerdict } from './auth/email-auth.js'
export { type EvaluateDmarcOptions, evaluateDmarc } from './auth/evaluate-dmarc.js'
export { loadDnsZone } from './auth/load-dns-zone.js'
export { type VerifyDkimOptions, verifyDkim } from './auth/verify-dkim.js'
export {
  CapturedEmail,
  type EmailAddress,
  type EmailAttachment,
  type EmailEnvelope,
  type EmailHeader,
  type EmailLink,
  type EmailSummary,
} from './captured-email.js'
export { CheckError } from './check-error.js'
export { ConfigError } from './config/config-error.js'
export {
  type ConfigValue,
  defineConfig,
  type EnvironmentConfig,
  type InboxConfig,
  type InboxTypes,
  type MailwrightConfig,
  type ProfileConfig,
  type TransportConfig,
  type TransportTypes,
} from './config/define-config.js'
export { type EnvReference, env } from './config/env.js'
export { loadConfig } from './config/load-config.js'
export { MissingPackageError } from './config/missing-package-error.js'
export { RecipientNotAllowedError, type RecipientRule } from './config/recipient-guard.js'
export { type ResolvedEnvironment, resolveEnvironment } from './config/resolve-environment.js'
export { Secret } from './config/secret.js'
export {
  startWorkerContext,
  type WorkerContext,
  type WorkerContextOptions,
} from './config/start-worker-context.js'
export { type ConnectInboxOptions, connectInbox } from './connect-inbox.js'
export { connectInboxServer, type InboxProvider } from './connect-inbox-server.js'
export type {
  AccessibilityCheckOptions,
  AccessibilityCheckResult,
  AccessibilityImpact,
  AccessibilityViolation,
  CheckContext,
  CheckedLink,
  ChecksConfig,
  CompatibilityCheckOptions,
  CompatibilityCheckResult,
  CompatibilityFinding,
  ContentCheckResult,
  ContentChecks,
  EmailClientName,
  LinkCheckOptions,
  LinkCheckResult,
  SpamChecker,
  SpamCheckOptions,
  SpamCheckResult,
  SpamSymbol,
} from './content-checks.js'
export {
  type DeliveryReport,
  type DeliveryReportRecipient,
  parseDeliveryReport,
} from './delivery-report.js'
export type { EmailQuery, TextMatcher } from './email-query.js'
export type { EmailRendering } from './email-renderings.js'
export { EmailTimeoutError } from './email-timeout-error.js'
export { exchangeSpamVerdict, type SpamVerdict } from './exchange-spam-verdict.js'
export type { CodeOptions } from './extract-codes.js'
export { FaultsUnsupportedError } from './faults-unsupported-error.js'
export { freePort } from './free-port.js'
export type { ExpectNoEmailOptions, Inbox, WaitOptions } from './inbox.js'
export { InboxDisposedError } from './inbox-disposed-error.js'
export { InboxServerError } from './inbox-server-error.js'
export { InboxStoppedError } from './inbox-stopped-error.js'
export { InvalidArgumentError } from './invalid-argument-error.js'
export { MailwrightError } from './mailwright-error.js'
export type { AddressExpectation } from './matchers/address-matcher.js'
export {
  type EmailMatcherImplementations,
  type EmailMatchers,
  emailMatchers,
} from './matchers/email-matchers.js'
export type { MatcherResult, MatcherState } from './matchers/matcher-result.js'
export type { ToBounceOptions } from './matchers/to-bounce.js'
export type { AttachmentExpectation } from './matchers/to-have-attachment.js'
export type { ToHaveBeenAttemptedOptions } from './matchers/to-have-been-attempted.js'
export type { ToHaveLinkOptions } from './matchers/to-have-link.js'
export type { DkimExpectation } from './matchers/to-have-passed-dkim.js'
export type { DmarcExpectation } from './matchers/to-have-passed-dmarc.js'
export type { ToHaveSpamScoreOptions } from './matchers/to-have-spam-score.js'
export type { ToReceiveEmailOptions } from './matchers/to-receive-email.js'
export type { NearMiss } from './near-miss.js'
export { type EmailMeta, type ParseEmailOptions, parseEmail } from './parse-email.js'
export { PatternTimeoutError } from './pattern-timeout-error.js'
export {
  type AttemptOutcome,
  FAULT_PRESET_NAMES,
  type FaultPresetName,
  type FaultStage,
  type InboxFault,
  OFFICE365_REPLIES,
  type ResolvedFault,
  resolveFault,
  type SmtpAttempt,
  type SmtpFault,
} from './smtp-fault.js'
export type { SmtpExplanation } from './submission/explain-smtp-reply.js'
export type { MailTransport, OutgoingEmail, SendResult } from './submission/mail-transport.js'
export { SmtpSubmissionError } from './submission/smtp-submission-error.js'
export { scaledTimeout } from './time-scale.js'
export { UnexpectedEmailError } from './unexpected-email-error.js'

export {
  analyzeHeaders,
  type HeaderAnalysis,
  type ReceivedHop,
  type SenderIdentity,
} from './auth/analyze-headers.js'
export { bulkSenderChecks } from './auth/bulk-sender-checks.js'
export { type CheckSpfOptions, checkSpf } from './auth/check-spf.js'
export {
  type ComputeEmailAuthOptions,
  computeEmailAuth,
  type SendingProfile,
} from './auth/compute-email-auth.js'
export {
  type DnsFailure,
  type DnsRecordSet,
  type DnsRecords,
  type DnsResolver,
  resolverFor,
  systemResolver,
  zoneResolver,
} from './auth/dns-resolver.js'
export type { ArcVerdict, DkimVerdict, DmarcVerdict, EmailAuth, SpfVerdict } from './auth/email-auth.js'
export { type EvaluateDmarcOptions, evaluateDmarc } from './auth/evaluate-dmarc.js'
export { checkDnsRecords, loadDnsZone, parseZoneFile } from './auth/load-dns-zone.js'
export {
  type AuthenticationResults,
  type AuthResult,
  parseAuthenticationResults,
} from './auth/parse-authentication-results.js'
export { receivedEmailAuth } from './auth/received-email-auth.js'
export { type TrustedReceiver, verdictFromHeaders } from './auth/verdict-from-headers.js'
export { type VerifyDkimOptions, verifyDkim } from './auth/verify-dkim.js'
export {
  CapturedEmail,
  type CapturedEmailFields,
  type EmailAddress,
  type EmailAttachment,
  type EmailEnvelope,
  type EmailHeader,
  type EmailLink,
  type EmailSummary,
} from './captured-email.js'
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
export {
  type AnyInboxType,
  type AnyTransportType,
  definePlugin,
  type InboxType,
  type InboxTypeContext,
  type MailwrightPlugin,
  type ResolvedConfig,
  type ResolvedInboxConfig,
  type ResolvedTransportConfig,
  type RunInbox,
  type RunInboxPorts,
  type SecretKey,
  type TransportType,
  type TransportTypeContext,
} from './config/define-plugin.js'
export { type EnvReference, env } from './config/env.js'
export { environmentInboxProvider, startRunInbox } from './config/environment-inbox-provider.js'
export { DEFAULT_CONFIG, loadConfig } from './config/load-config.js'
export { loadOptionalPackage } from './config/load-optional-package.js'
export { MissingPackageError } from './config/missing-package-error.js'
export {
  guardRecipients,
  RecipientNotAllowedError,
  type RecipientRule,
  recipientAllowed,
} from './config/recipient-guard.js'
export { registerPlugin } from './config/register-plugin.js'
export { type ResolvedEnvironment, resolveEnvironment } from './config/resolve-environment.js'
export { redact, Secret } from './config/secret.js'
export { sendingProfileOf } from './config/sending-profile-of.js'
export {
  startWorkerContext,
  type WorkerContext,
  type WorkerContextOptions,
} from './config/start-worker-context.js'
export { type ConnectInboxOptions, connectInbox } from './connect-inbox.js'
export { connectInboxServer, type InboxProvider } from './connect-inbox-server.js'
export { containerLogTail } from './container-log-tail.js'
export { decodeWords } from './decode-words.js'
export { EmailFeed } from './email-feed.js'
export { type EmailJson, emailFromJson, emailToJson } from './email-json.js'
export {
  describeQuery,
  type EmailQuery,
  explainMismatch,
  failedCheck,
  matchText,
  type QueryCheck,
  type QueryTarget,
  queryChecks,
  queryNeedsBody,
  type SerializedEmailQuery,
  type SerializedTextMatcher,
  serializeQuery,
  type TextMatcher,
  validateQuery,
} from './email-query.js'
export { EmailTimeoutError } from './email-timeout-error.js'
export { type EmailEvidence, emailEvidence, type MatcherCall, slug, withEvidence } from './evidence.js'
export {
  type CodeOptions,
  DEFAULT_CODE_KEYWORDS,
  DEFAULT_CODE_PATTERN,
  extractCodes,
} from './extract-codes.js'
export { freePort } from './free-port.js'
export {
  DEFAULT_NO_EMAIL_WINDOW,
  DEFAULT_WAIT_TIMEOUT,
  type ExpectNoEmailOptions,
  type Inbox,
  type WaitOptions,
} from './inbox.js'
export { inboxAddress } from './inbox-address.js'
export type { InboxBackend, WaitRequest, WaitResult } from './inbox-backend.js'
export { InboxDisposedError } from './inbox-disposed-error.js'
export { type InboxFromBackendOptions, inboxFromBackend } from './inbox-from-backend.js'
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
export { formatMatcherMessage, type MatcherMessage } from './matchers/format-matcher-message.js'
export type { MatcherResult, MatcherState } from './matchers/matcher-result.js'
export type { AttachmentExpectation } from './matchers/to-have-attachment.js'
export type { ToHaveLinkOptions } from './matchers/to-have-link.js'
export type { DkimExpectation } from './matchers/to-have-passed-dkim.js'
export type { DmarcExpectation } from './matchers/to-have-passed-dmarc.js'
export type { ToReceiveEmailOptions } from './matchers/to-receive-email.js'
export { formatNearMisses, type NearMiss, nearMiss } from './near-miss.js'
export { type InboxObserver, observeInbox, testWaitDefaults } from './observe-inbox.js'
export {
  type EmailMeta,
  headerOnlyEmail,
  type ParseEmailOptions,
  parseEmail,
  summarizeEmail,
} from './parse-email.js'
export { addressesOf, headerValue, type ParsedHeaders, parseHeaders } from './parse-headers.js'
export { PatternTimeoutError } from './pattern-timeout-error.js'
export { buildEmailReport, reportedTest } from './report/build-email-report.js'
export { checkEmailReport } from './report/check-email-report.js'
export type {
  EmailReport,
  ReportedAssertion,
  ReportedEmail,
  ReportedTest,
  ReportedWait,
  TestEmailRecord,
} from './report/email-report.js'
export { REPORT_VERSION } from './report/email-report.js'
export {
  DEFAULT_GATE_POLICY,
  type EmailFilter,
  evaluateGate,
  formatViolations,
  GateInputError,
  type GatePolicy,
  type GateRule,
  type GateViolation,
  loadEmailReport,
  loadGatePolicy,
  mergeEmailReports,
  parseGatePolicy,
} from './report/gate.js'
export { renderJunit } from './report/render-junit.js'
export { renderMarkdown } from './report/render-markdown.js'
export { reportEmail } from './report/report-email.js'
export { TestEmailRecorder } from './report/test-email-recorder.js'
export { type EmailReportFiles, writeEmailReport } from './report/write-email-report.js'
export { environmentTransport } from './submission/environment-transport.js'
export {
  explainSmtpReply,
  SMTP_REPLY_SOURCES,
  type SmtpExplanation,
} from './submission/explain-smtp-reply.js'
export { type GuardOptions, guardedTransport } from './submission/guarded-transport.js'
export {
  type MailTransport,
  type OutgoingEmail,
  recipientsOf,
  type SendResult,
} from './submission/mail-transport.js'
export { sandboxTransport } from './submission/sandbox-transport.js'
export { SmtpReplyError, SmtpReplyReader } from './submission/smtp-reply-reader.js'
export { SmtpSubmissionError } from './submission/smtp-submission-error.js'
export { scaledTimeout, timeScale } from './time-scale.js'
export { generateCertificate, type TlsCertificate } from './tls/generate-certificate.js'
export { UnexpectedEmailError } from './unexpected-email-error.js'

// For Mailwright's own packages only: what they share beyond the public entries. No stability promise;
// a project imports '@mailwright/core', '@mailwright/core/plugin' or '@mailwright/core/testing'.

export {
  analyzeHeaders,
  type HeaderAnalysis,
  type ReceivedHop,
  type SenderIdentity,
} from '../auth/analyze-headers.js'
export { bulkSenderChecks } from '../auth/bulk-sender-checks.js'
export { type DnsFailure, type DnsRecordSet, resolverFor, systemResolver } from '../auth/dns-resolver.js'
export { checkDnsRecords, parseZoneFile } from '../auth/load-dns-zone.js'
export {
  type AuthenticationResults,
  type AuthResult,
  parseAuthenticationResults,
} from '../auth/parse-authentication-results.js'
export { receivedEmailAuth } from '../auth/received-email-auth.js'
export { type TrustedReceiver, verdictFromHeaders } from '../auth/verdict-from-headers.js'
export type { CapturedEmailFields } from '../captured-email.js'
export { checkEvidence } from '../check-evidence.js'
export { environmentInboxProvider, startRunInbox } from '../config/environment-inbox-provider.js'
export { configFile, DEFAULT_CONFIG } from '../config/load-config.js'
export { loadOptionalPackage } from '../config/load-optional-package.js'
export { guardRecipients, recipientAllowed } from '../config/recipient-guard.js'
export { redact } from '../config/secret.js'
export { sendingProfileOf } from '../config/sending-profile-of.js'
export { runSpamFilter, SPAM_FILTERS_ENV, startRunChecks } from '../config/start-run-checks.js'
export { containerLogTail } from '../container-log-tail.js'
export { declaresDarkStyles } from '../declares-dark-styles.js'
export { decodeWords } from '../decode-words.js'
export { type EmailJson, emailFromJson, emailToJson } from '../email-json.js'
export {
  describeQuery,
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
  validateQuery,
} from '../email-query.js'
export {
  ALL_EMAIL_RENDERINGS,
  CONTENT_BOX,
  EMAIL_RENDERINGS,
  type EmailRendering,
  headerStrip,
} from '../email-renderings.js'
export { escapeHtml } from '../escape-html.js'
export { type EmailEvidence, emailEvidence, type MatcherCall, slug, withEvidence } from '../evidence.js'
export {
  type CodeOptions,
  DEFAULT_CODE_KEYWORDS,
  DEFAULT_CODE_PATTERN,
  extractCodes,
} from '../extract-codes.js'
export { CHROMIUM_ARGS, type FindChromiumOptions, findChromium } from '../find-chromium.js'
export { DEFAULT_NO_EMAIL_WINDOW, DEFAULT_WAIT_TIMEOUT } from '../inbox.js'
export * from '../index.js'
export { DOCS_URL, errorDetail } from '../mailwright-error.js'
export { formatMatcherMessage, type MatcherMessage } from '../matchers/format-matcher-message.js'
export type { MatcherState } from '../matchers/matcher-result.js'
export { violationLines } from '../matchers/to-be-accessible.js'
export { spamDetails, spamFilterName } from '../matchers/to-have-spam-score.js'
export { linkLine } from '../matchers/to-have-working-links.js'
export { formatNearMisses, nearMiss } from '../near-miss.js'
export { type InboxObserver, observeInbox, testWaitDefaults } from '../observe-inbox.js'
export { headerOnlyEmail, summarizeEmail } from '../parse-email.js'
export { addressesOf, headerValue, type ParsedHeaders, parseHeaders } from '../parse-headers.js'
export * from '../plugin/index.js'
export {
  type RenderEmailHtmlOptions,
  type RenderEmailHtmlResult,
  renderEmailHtml,
} from '../render-email-html.js'
export { checkContextOf, currentCheckContext, useCheckContext } from '../run-content-check.js'
export { type StartDaemonOptions, type StartedDaemon, startDaemon } from '../start-daemon.js'
export { environmentTransport } from '../submission/environment-transport.js'
export {
  explainSmtpReply,
  SMTP_REPLY_SOURCES,
  type SmtpExplanation,
} from '../submission/explain-smtp-reply.js'
export { type GuardOptions, guardedTransport } from '../submission/guarded-transport.js'
export { isPlainAddress, recipientsOf } from '../submission/mail-transport.js'
export { sandboxTransport } from '../submission/sandbox-transport.js'
export { SmtpReplyError, SmtpReplyReader } from '../submission/smtp-reply-reader.js'
export { type BounceSource, bounceSourceOf, trackBounces } from '../submission/track-bounces.js'
export { timeScale } from '../time-scale.js'
export { generateCertificate, type TlsCertificate } from '../tls/generate-certificate.js'
export { webUiNotice } from '../web-ui-notice.js'
export { webUiUrl } from '../web-ui-url.js'
export { matchesPattern, wildcard } from '../wildcard.js'
export { WorkerBudgetExceeded, WorkerPool, type WorkerTaskOptions } from '../worker-pool.js'

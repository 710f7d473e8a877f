export { connectGraphInbox, type GraphInboxOptions } from './graph-inbox.js'
export { type GraphSendMailOptions, graphSendMailTransport } from './graph-send-mail-transport.js'
export { connectImapInbox, type ImapInboxOptions, type ImapInboxProvider } from './imap-inbox.js'
export {
  type Office365NodemailerOptions,
  office365NodemailerOptions,
} from './office365-nodemailer-options.js'
export {
  type Office365PreflightCheck,
  type Office365PreflightOptions,
  office365Preflight,
} from './office365-preflight.js'
export { type Office365RelayOptions, office365RelayTransport } from './office365-relay-transport.js'
export {
  BASIC_AUTH_WARNING,
  type Office365SmtpOptions,
  office365SmtpTransport,
} from './office365-smtp-transport.js'
export type {
  GraphInboxConfig,
  GraphMailboxConfig,
  ImapInboxConfig,
  Office365RelayConfig,
  Office365SmtpConfig,
} from './plugin.js'
export { type SmtpTestOptions, type SmtpTestResult, type SmtpTestStep, smtpTest } from './smtp-test.js'
export {
  type ClientCredentials,
  createTokenProvider,
  TokenError,
  type TokenFailure,
  type TokenProvider,
  type TokenProviderOptions,
} from './token-provider.js'

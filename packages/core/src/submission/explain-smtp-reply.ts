/** Why a submission failed and what to do, for one known reply. */
export interface SmtpExplanation {
  /** A short name, e.g. `SMTP AUTH disabled for the tenant`. */
  title: string
  cause: string
  fix: string
  /** Whether retrying the same send later can succeed. */
  transient: boolean
  /**
   * Where the behaviour is documented or was observed: short names of public pages, each resolved to its address
   * by {@link SMTP_REPLY_SOURCES} (MS-NDR is Microsoft Learn's non-delivery report page), marked [V] documented,
   * [O] seen in published server output, [U] unverified.
   */
  source: string
}

/**
 * The public pages behind {@link SmtpExplanation.source}'s short names.
 *
 * @example
 * SMTP_REPLY_SOURCES['MS-NDR'] // 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online'
 */
export const SMTP_REPLY_SOURCES: Readonly<Record<string, string>> = {
  'MS-SMTPAUTH':
    'https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission',
  'MS-OAUTH':
    'https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth',
  'MS-MFD':
    'https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365',
  'MS-FIX-MFD':
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/fix-issues-with-printers-scanners-and-lob-applications-that-send-email-using-off',
  'MS-NDR':
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online',
  // The "fix error code" pages of each enhanced status code are linked from the NDR page above.
  'MS-5757':
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online',
  'MS-5764':
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online',
  'MS-5764-KB':
    'Microsoft support KB 3212877, "550 5.7.64 TenantAttribution when sending emails through EOP"',
  'MS-57700':
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online',
  'MS-451':
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online',
  'MS-QUOTA':
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online',
  'MS-571':
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online',
  'MS-LIMITS':
    'https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits',
  'MS-SUBMIT-LIMITS':
    'Microsoft Learn, "Message storage and concurrent connection throttling for SMTP Authenticated Submission" (Exchange Online troubleshooting)',
  'PS-SETORG': 'https://learn.microsoft.com/powershell/module/exchange/set-organizationconfig',
  'TC-RETIRE':
    'https://techcommunity.microsoft.com/blog/exchange/exchange-online-to-retire-basic-auth-for-client-submission-smtp-auth/4114750',
  'TC-RETIRE-2026':
    'https://techcommunity.microsoft.com/blog/exchange/updated-exchange-online-smtp-auth-basic-authentication-deprecation-timeline/4489835',
  'TC-DIRECTSEND':
    'https://techcommunity.microsoft.com/blog/exchange/introducing-more-control-over-direct-send-in-exchange-online/4408790',
}

interface Entry extends SmtpExplanation {
  /** Matched against `<code> <enhanced code> <text>`; never against the host/time tail. */
  match: RegExp
}

// Ordered: the first match wins, so specific texts come before their generic code.
const CATALOGUE: Entry[] = [
  {
    match: /^535 5\.7\.139 .*SmtpClientAuthentication is disabled for the Tenant/i,
    title: 'SMTP AUTH disabled for the tenant',
    cause:
      'The tenant switch SmtpClientAuthenticationDisabled is on (the default for tenants created after January 2020) and the mailbox does not override it.',
    fix: 'Set-CASMailbox <mailbox> -SmtpClientAuthenticationDisabled $false (or change the tenant with Set-TransportConfig).',
    transient: false,
    source: 'MS-SMTPAUTH [V]; transcripts [O]',
  },
  {
    match: /^535 5\.7\.139 .*SmtpClientAuthentication is disabled for the Mailbox/i,
    title: 'SMTP AUTH disabled for the mailbox',
    cause: 'The mailbox switch SmtpClientAuthenticationDisabled is $true.',
    fix: 'Set-CASMailbox <mailbox> -SmtpClientAuthenticationDisabled $false.',
    transient: false,
    source: 'MS-SMTPAUTH [V]; transcripts [O]',
  },
  {
    match: /^535 5\.7\.139 .*basic authentication is disabled/i,
    title: 'Basic authentication disabled',
    cause:
      'Basic auth for SMTP is blocked by an authentication policy or the tenant (Microsoft is retiring it: disabled by default from the end of December 2026).',
    fix: "Use OAuth2 (XOAUTH2) with a client-credentials token for https://outlook.office365.com/.default: transport { auth: 'oauth2' }.",
    transient: false,
    source: 'TC-RETIRE-2026 [V]; transcripts [O]',
  },
  {
    match: /^535 5\.7\.139 .*security defaults/i,
    title: 'Blocked by security defaults',
    cause: 'Entra security defaults block legacy SMTP AUTH for this user.',
    fix: 'Use OAuth2 (XOAUTH2). Turning security defaults off is possible but not recommended.',
    transient: false,
    source: 'MS-FIX-MFD [V]; transcripts [O]',
  },
  {
    match: /^535 5\.7\.139 .*did not meet the criteria/i,
    title: 'Blocked by Conditional Access',
    cause: 'A Conditional Access policy (legacy-auth block, location or MFA) refused the sign-in.',
    fix: 'Exclude the test account from the policy, or authenticate with OAuth2 from an allowed context.',
    transient: false,
    source: 'MS-FIX-MFD [V]; transcripts [O]',
  },
  {
    match: /^535 5\.7\.139 .*credentials were incorrect/i,
    title: 'Wrong user name or password',
    cause: 'The Basic credentials are wrong.',
    fix: 'Check the user and password environment variables; better, move to OAuth2.',
    transient: false,
    source: 'transcripts [O]',
  },
  {
    match: /^535 5\.7\.139 .*organization configuration does not allow/i,
    title: 'Authentication policy forbids it',
    cause: 'AllowBasicAuthSmtp is false in the authentication policy, or security defaults are on.',
    fix: 'Use OAuth2, or change the authentication policy.',
    transient: false,
    source: 'secondary reports [U]',
  },
  {
    match: /^535 5\.7\.139 .*federated STS/i,
    title: 'Federation server problem',
    cause: 'The on-premises federation (ADFS) server is unreachable or lacks TLS 1.2.',
    fix: 'Fix the federation server, or use a cloud-only account with OAuth2.',
    transient: true,
    source: 'MS-NDR [V]',
  },
  {
    match: /^535 5\.7\.3\b/,
    title: 'Authentication unsuccessful',
    cause:
      'Wrong password; an OAuth token with the wrong audience or without SMTP.SendAsApp; the service principal not registered in Exchange (or registered with the App Registration object id); no FullAccess on the mailbox; or SMTP AUTH disabled.',
    fix: "Request the token for https://outlook.office365.com/.default with the SMTP.SendAsApp role; New-ServicePrincipal with the Enterprise Application's object id; Add-MailboxPermission -AccessRights FullAccess; enable SMTP AUTH on the mailbox.",
    transient: false,
    source: 'MS-OAUTH [V]; MS-FIX-MFD [V]',
  },
  {
    match: /^550 5\.7\.30\b/,
    title: 'Basic authentication retired',
    cause: 'Basic auth for client submission is no longer accepted.',
    fix: "Use OAuth2 (XOAUTH2): transport { auth: 'oauth2' }.",
    transient: false,
    source: 'TC-RETIRE [V]',
  },
  {
    match: /^5[35]0 5\.7\.57\b/,
    title: 'Not authenticated',
    cause:
      'MAIL FROM came before a successful AUTH (an earlier AUTH failure is appended after "Error:"), or the client skipped STARTTLS.',
    fix: 'Run STARTTLS, EHLO again, then AUTH; fix the AUTH error quoted in the reply first.',
    transient: false,
    source: 'MS-5757 [V]; transcripts [O]',
  },
  {
    match: /^504 5\.7\.4\b/,
    title: 'Authentication mechanism not offered',
    cause:
      'AUTH before STARTTLS, or a mechanism Exchange Online does not offer (PLAIN, NTLM, CRAM-MD5); after STARTTLS it offers LOGIN and XOAUTH2.',
    fix: 'Require STARTTLS and use XOAUTH2 (or LOGIN for Basic).',
    transient: false,
    source: 'transcripts [O]',
  },
  {
    match: /^421 4\.7\.66\b/,
    title: 'TLS below 1.2',
    cause: 'The client offered only TLS 1.0/1.1.',
    fix: "Use TLS 1.2 or later (tls: { minVersion: 'TLSv1.2' }).",
    transient: false,
    source: 'MS-MFD [V]; transcripts [O]',
  },
  {
    match: /^550 5\.7\.60\b|^550 5\.7\.1 Client does not have permissions to send as this sender/,
    title: 'No Send As permission',
    cause: 'MAIL FROM or From is not the authenticated mailbox, and it has no Send As right on that address.',
    fix: 'Send as the login address, or grant Add-RecipientPermission <from> -AccessRights SendAs -Trustee <login>.',
    transient: false,
    source: 'MS-FIX-MFD [V]; reports [O]',
  },
  {
    match: /^554 5\.2\.252\b|^554 5\.2\.0 .*SendAsDenied/i,
    title: 'Send As denied after DATA',
    cause:
      'The From address is not the authenticated mailbox and Send As is missing (Exchange Online now checks this after DATA).',
    fix: 'Send as the login address, or grant Send As (it can take up to an hour to apply).',
    transient: false,
    source: 'transcript 2025-11-23 [O]',
  },
  {
    match: /^554 5\.2\.0 .*SubmissionQuotaExceeded/i,
    title: 'Recipient quota exceeded',
    cause: 'The mailbox sent to 10,000 recipients in the last 24 hours.',
    fix: 'Wait for the rolling window, send less; check the account is not compromised.',
    transient: true,
    source: 'MS-LIMITS [V]; MS-QUOTA [V]',
  },
  {
    match: /^432 4\.3\.2\b/,
    title: 'Too many concurrent connections',
    cause: 'More than 3 connections are submitting for the mailbox at once.',
    fix: 'Use at most 3 connections per mailbox (pool: true, maxConnections: 3) and retry.',
    transient: true,
    source: 'MS-SUBMIT-LIMITS [V]',
  },
  {
    match: /^451 4\.7\.(?:5\d\d|6\d\d|8[5-9]\d)\b/,
    title: 'Server busy (throttled)',
    cause:
      'Throttling or greylisting of a new or changed source (4.7.500 to 4.7.699; 4.7.850 to 4.7.899 per IP).',
    fix: 'Retry with back-off; for relay, set up a connector.',
    transient: true,
    source: 'MS-451 [V]; third-party tests [U]',
  },
  {
    match: /^550 5\.7\.64\b/,
    title: 'Relay not attributed to the tenant',
    cause:
      "The relay connector's IP or certificate does not match, the chain is incomplete, or the domain is not hosted.",
    fix: "Fix the inbound connector's IP or certificate name; send the full intermediate chain.",
    transient: false,
    source: 'MS-5764 [V]; MS-5764-KB [V]',
  },
  {
    match: /^550 5\.7\.68\b/,
    title: 'Direct send rejected',
    cause: 'RejectDirectSend is on for the organization.',
    fix: 'Use SMTP AUTH or a partner/on-premises connector.',
    transient: false,
    source: 'PS-SETORG [V]; TC-DIRECTSEND [V]',
  },
  {
    // The older reply ends in AS(201806281); the newer one points at https://aka.ms/EXOSmtpErrors first.
    match: /^550 5\.4\.1 Recipient address rejected: Access denied\b/,
    title: 'Recipient does not exist (Directory-Based Edge Blocking)',
    cause: 'The tenant has no mailbox for this address: mistyped, or not yet synced.',
    fix: 'Create the mailbox, or use plus addressing on an existing one (qa+test@…).',
    transient: false,
    source: 'MS-NDR [V]; transcripts [O]',
  },
  {
    match: /^550 5\.4\.1 Relay Access Denied/,
    title: 'Domain not accepted',
    cause:
      'The MX or domain setup is wrong: the recipient domain is not accepted or not active in the tenant.',
    fix: "Check the tenant's accepted domains and the MX record the transport uses.",
    transient: false,
    source: 'MS-NDR [V]',
  },
  {
    match: /^550 5\.7\.705\b/,
    title: 'Tenant over its threshold',
    cause: 'The tenant sent too much spam or bulk mail, or its subscription lapsed.',
    fix: 'Clean up, then contact Microsoft support.',
    transient: false,
    source: 'MS-57700 [V]',
  },
  {
    match: /^550 5\.7\.708\b/,
    title: 'Traffic not accepted from this IP',
    cause: 'A new or trial tenant on low-reputation outbound IPs.',
    fix: 'Use a paid tenant, wait, or contact support.',
    transient: false,
    source: 'MS-57700 [V]; reports [O]',
  },
  {
    match: /^550 5\.7\.750\b/,
    title: 'Blocked for unregistered domains',
    cause: 'Too much mail from domains that are not accepted domains of the tenant.',
    fix: 'Add and verify every sending domain; check for rogue connectors.',
    transient: false,
    source: 'MS-57700 [V]',
  },
  {
    match: /^550 5\.1\.10\b/,
    title: 'Recipient not found',
    cause:
      'The recipient address does not exist in the destination organization (RESOLVER.ADR.RecipientNotFound): mistyped, deleted, or not yet synced.',
    fix: 'Check the address; for a test mailbox, create it or use plus addressing on one that exists (qa+test@…).',
    transient: false,
    source: 'MS-NDR [V]',
  },
  {
    match: /^55[02] 5\.2\.3\b/,
    title: 'Message too large for the sender or recipient',
    cause:
      "The message is above the sender's MaxSendSize (RESOLVER.RST.SendSizeLimit.Sender, 35 MB by default) or the recipient's MaxReceiveSize, though under the server's SIZE.",
    fix: 'Send less (smaller attachments, links instead), or raise the mailbox limit with Set-Mailbox -MaxSendSize / -MaxReceiveSize.',
    transient: false,
    source: 'MS-NDR [V]; MS-LIMITS [V]',
  },
  {
    match: /^550 5\.1\.8\b/,
    title: 'Bad outbound sender',
    cause:
      'The sending account is on the Restricted users list after sending spam, which often means it was compromised.',
    fix: 'Secure the account (reset its credentials, check its rules and apps), then release it from Restricted users in the Microsoft Defender portal.',
    transient: false,
    source: 'MS-NDR [V]',
  },
  {
    match: /^55[024] 5\.2\.2 .*(?:Submission quota|quota was exceeded)/i,
    title: 'Submission quota exceeded',
    cause: 'The sender reached its recipient or message rate limit (10,000 recipients in 24 hours).',
    fix: 'Wait for the rolling window to pass and send less; check the account is not compromised.',
    transient: true,
    source: 'MS-QUOTA [V]; MS-LIMITS [V]',
  },
  {
    match: /^55[024] 5\.2\.2\b/,
    title: 'Mailbox full',
    cause:
      "The mailbox is over its quota. For SMTP AUTH it is often the sender's own: every submission saves a copy to Sent Items.",
    fix: 'Free space, or put a retention policy on Sent Items of the sending mailbox.',
    transient: false,
    source: 'MS-SUBMIT-LIMITS [V]; MS-NDR [V]',
  },
  {
    match: /^550 5\.7\.703\b/,
    title: 'Recipient blocked by the tenant',
    cause:
      "A recipient is blocked by the organization's tenant recipient block policy (the Tenant Allow/Block List).",
    fix: 'Remove the entry from the Tenant Allow/Block List, or send to another address.',
    transient: false,
    source: 'MS-57700 [V]',
  },
  {
    match: /^5\d\d 5\.7\.1 .*Unable to relay/i,
    title: 'Relay refused',
    cause:
      'The server does not relay for this client: not authenticated, or a connector does not recognize its IP or certificate.',
    fix: 'Authenticate (SMTP AUTH) on smtp.office365.com:587, or set up a connector for the sending IP or certificate.',
    transient: false,
    source: 'MS-571 [V]',
  },
  {
    match: /^452 4\.5\.3\b/,
    title: 'Too many recipients',
    cause: 'The message has more recipients than the server takes in one transaction.',
    fix: 'Send to fewer recipients per message (split the list) and retry the ones refused.',
    transient: true,
    source: 'MS-NDR [V]',
  },
  {
    match: /^55[24] 5\.3\.4\b/,
    title: 'Message too large',
    cause: 'The message (or its headers, over 256 KB) is above the size limit.',
    fix: 'Send less (Exchange Online defaults to 25–35 MB; EHLO advertises the limit in SIZE).',
    transient: false,
    source: 'MS-LIMITS [V]',
  },
]

const BASIC_CODES = ['550', '554', '552', '530', '535', '504', '421', '432', '451', '452']

/**
 * The cause and fix of an SMTP reply (or a non-delivery report's status line) from Office 365, matched on code, enhanced code and phrase (never on
 * the host/time tail). Undefined for replies it does not know.
 *
 * @example
 * explainSmtpReply('535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR…]')?.fix
 */
export function explainSmtpReply(reply: string): SmtpExplanation | undefined {
  const line = reply.replace(/\s+/g, ' ').trim()
  // Non-delivery reports quote the enhanced code alone ("5.7.708 Access denied, …"): it is read with each
  // basic code its class uses.
  const lines = /^[245]\.\d{1,3}\.\d{1,3}\b/.test(line)
    ? BASIC_CODES.filter((code) => code[0] === line[0]).map((code) => `${code} ${line}`)
    : [line]
  const entry = CATALOGUE.find((e) => lines.some((l) => e.match.test(l)))
  if (!entry) return undefined
  const { match: _match, ...explanation } = entry
  return explanation
}

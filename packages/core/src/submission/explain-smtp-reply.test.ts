import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { explainSmtpReply, SMTP_REPLY_SOURCES } from './explain-smtp-reply.js'
import { SmtpSubmissionError } from './smtp-submission-error.js'

// Reply texts as Exchange Online sends them, tails included (Microsoft Learn, "Email non-delivery reports and
// SMTP errors in Exchange Online": https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online).
describe('explainSmtpReply', () => {
  it.each([
    [
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [MN2PR05CA0004.namprd05.prod.outlook.com 2023-09-12T20:59:57.214Z 08DBB276B7E699C4]',
      'SMTP AUTH disabled for the tenant',
    ],
    [
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.',
      'SMTP AUTH disabled for the mailbox',
    ],
    [
      '535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR01CA0001.eurprd01.prod.outlook.com]',
      'Basic authentication disabled',
    ],
    [
      "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator.",
      'Blocked by security defaults',
    ],
    [
      '535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.',
      'Blocked by Conditional Access',
    ],
    [
      '535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [host]',
      'Wrong user name or password',
    ],
    [
      '535 5.7.3 Authentication unsuccessful [BYAPR17MB2920.namprd17.prod.outlook.com]',
      'Authentication unsuccessful',
    ],
    [
      '550 5.7.30 Basic authentication is not supported for Client Submission.',
      'Basic authentication retired',
    ],
    [
      '530 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful, basic authentication is disabled.',
      'Not authenticated',
    ],
    ['550 5.7.60 SMTP; Client does not have permissions to send as this sender', 'No Send As permission'],
    [
      '554 5.2.252 SendAsDenied; info@x.test not allowed to send as noreply@x.test; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied',
      'Send As denied after DATA',
    ],
    ['554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException', 'Recipient quota exceeded'],
    ['432 4.3.2 Concurrent connections limit exceeded.', 'Too many concurrent connections'],
    ['451 4.7.500 Server busy. Please try again later from [1.2.3.4]. (AS761)', 'Server busy (throttled)'],
    ['550 5.7.64 TenantAttribution; Relay Access Denied [host]', 'Relay not attributed to the tenant'],
    [
      '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources',
      'Direct send rejected',
    ],
    [
      '550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [host]',
      'Recipient does not exist (Directory-Based Edge Blocking)',
    ],
    ['550 5.4.1 Relay Access Denied', 'Domain not accepted'],
    ['550 5.7.705 Access denied, tenant has exceeded threshold', 'Tenant over its threshold'],
    ['550 5.7.708 Access denied, traffic not accepted from this IP', 'Traffic not accepted from this IP'],
    [
      '550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains',
      'Blocked for unregistered domains',
    ],
    [
      '421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2.',
      'TLS below 1.2',
    ],
    ['504 5.7.4 Unrecognized authentication type [host]', 'Authentication mechanism not offered'],
    ['552 5.3.4 Message size exceeds fixed maximum message size', 'Message too large'],
    // The forms Microsoft's pages also use: the older 550 5.7.57, the newer aka.ms form of 5.4.1, other
    // throttling codes of the 4.7.500–699 range, and the status lines of non-delivery reports (no basic code).
    [
      '550 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM',
      'Not authenticated',
    ],
    [
      '550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [AS(201806281)] [host]',
      'Recipient does not exist (Directory-Based Edge Blocking)',
    ],
    [
      '550 5.4.1 Recipient address rejected: Access denied',
      'Recipient does not exist (Directory-Based Edge Blocking)',
    ],
    [
      '451 4.7.650 The mail server [1.2.3.4] has been temporarily rate limited due to IP reputation.',
      'Server busy (throttled)',
    ],
    ['5.7.60 SMTP; Client does not have permissions to send as this sender', 'No Send As permission'],
    [
      '5.7.708 Service unavailable. Access denied, traffic not accepted from this IP',
      'Traffic not accepted from this IP',
    ],
    ['550 5.7.1 Client does not have permissions to send as this sender', 'No Send As permission'],
    ['550 5.1.8 Access denied, bad outbound sender', 'Bad outbound sender'],
    ['5.2.2 Submission quota exceeded', 'Submission quota exceeded'],
    [
      '554 5.2.2 mailbox full; STOREDRV.Submission.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded',
      'Mailbox full',
    ],
    [
      "550 5.7.703 Your message can't be delivered because one or more recipients are blocked by your organization's tenant recipient block policy",
      'Recipient blocked by the tenant',
    ],
    ['550 5.7.1 Unable to relay', 'Relay refused'],
    ['452 4.5.3 Too many recipients', 'Too many recipients'],
    [
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      'Recipient not found',
    ],
    [
      '550 5.2.3 RESOLVER.RST.SendSizeLimit.Sender; message too large for this sender',
      'Message too large for the sender or recipient',
    ],
  ])('%s', (reply, title) => {
    expect(explainSmtpReply(reply)?.title).toBe(title)
  })

  it('marks what retrying can fix, and knows nothing of unknown replies', () => {
    expect(explainSmtpReply('432 4.3.2 Concurrent connections limit exceeded.')?.transient).toBe(true)
    expect(
      explainSmtpReply('550 5.7.60 SMTP; Client does not have permissions to send as this sender')?.transient,
    ).toBe(false)
    expect(explainSmtpReply('250 2.0.0 OK')).toBeUndefined()
  })

  it('SmtpSubmissionError says what failed, the reply, the cause and the fix', () => {
    const error = new SmtpSubmissionError({
      response: '535 5.7.139 Authentication unsuccessful, basic authentication is disabled.',
      stage: 'AUTH',
      server: 'smtp.office365.com:587',
    })
    expect(error.responseCode).toBe(535)
    expect(error.detail).toBe(
      [
        'smtp.office365.com:587 refused the email at AUTH: 535 5.7.139 Authentication unsuccessful, basic authentication is disabled.',
        '',
        'Basic authentication disabled: Basic auth for SMTP is blocked by an authentication policy or the tenant (Microsoft is retiring it: disabled by default from the end of December 2026).',
        "What to do: Use OAuth2 (XOAUTH2) with a client-credentials token for https://outlook.office365.com/.default: transport { auth: 'oauth2' }.",
        '(Source: TC-RETIRE-2026 [V]; transcripts [O])',
      ].join('\n'),
    )
  })
})

describe('SMTP_REPLY_SOURCES', () => {
  it('resolves every short name an explanation cites to a public page', () => {
    const text = readFileSync(new URL('./explain-smtp-reply.ts', import.meta.url), 'utf8')
    const cited = new Set(
      [...text.matchAll(/source: '([^']*)'/g)].flatMap((m) => m[1]?.match(/\b[A-Z]+-[A-Z0-9-]+/g) ?? []),
    )
    expect(cited.size).toBeGreaterThan(10)
    for (const name of cited)
      expect(SMTP_REPLY_SOURCES[name], name).toMatch(
        /^(https:\/\/(learn|techcommunity)\.microsoft\.com\/|Microsoft )/,
      )
  })
})

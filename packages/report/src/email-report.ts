/** The version of `mailwright-report.json`'s layout; readers refuse other versions. */
export const REPORT_VERSION = 1

/** One email that reached a test's inbox (`waited` and `asserted` say what the test did with it). */
export interface ReportedEmail {
  id: string
  messageId?: string
  from?: string
  to: string[]
  cc: string[]
  /** SMTP envelope recipients. */
  recipients: string[]
  subject: string
  /** Bytes, as received. */
  size: number
  receivedAt: string
  /** How long the test's wait took until this email was in its hands, in ms. */
  waitMs?: number
  waited: boolean
  asserted: boolean
  links: string[]
  /** SPF/DKIM/DMARC/ARC and who judged (`source`); absent when nobody judged. */
  auth?: {
    spf?: string
    dkim: Array<{ result: string; domain?: string; selector?: string }>
    dmarc?: { result: string; domain?: string; policy?: string; aligned: boolean }
    arc?: string
    source: string
  }
  /** The bulk-sender requirements (Gmail/Yahoo 2024) with whether each is met; needs `auth`. */
  bulkSender?: Array<{ requirement: string; met: boolean }>
  /**
   * How a real mailbox judged it (Exchange's folder and spam verdict, see `exchangeSpamVerdict`); absent
   * when nothing judged it (the capture inbox).
   */
  spam?: { junk: boolean; folder?: string; reasons: string[] }
  /** The content checks a test ran on it (the last of each kind): what the gate's check rules judge. */
  checks?: ReportedChecks
}

/** Content check results as the report keeps them: enough to judge and to explain, no email content. */
export interface ReportedChecks {
  spam?: {
    checker: string
    score: number
    threshold: number
    action: string
    /** The rules that added to the score (non-zero), highest first. */
    symbols: Array<{ name: string; score: number; description?: string }>
  }
  compatibility?: {
    clients: string[]
    failOnPartial: boolean
    unsupported: Array<{ feature: string; clients: string[]; url: string }>
    partial: Array<{ feature: string; clients: string[]; url: string }>
  }
  links?: {
    ok: number
    notChecked: string[]
    /** Broken links and links with a problem (`http:` where `https:` is required, a forbidden host). */
    failing: Array<{
      url: string
      element: 'link' | 'image'
      outcome: 'broken' | 'problem'
      status?: number
      reason?: string
    }>
  }
  accessibility?: {
    /** The least impact the test failed on; `violations` holds every one found, below it too. */
    impact: string
    violations: Array<{ id: string; impact: string; help: string; helpUrl: string; elements: number }>
  }
}

/** One matcher call on an email or an inbox. */
export interface ReportedAssertion {
  matcher: string
  not: boolean
  passed: boolean
  /** The email it looked at (`ReportedEmail.id`), when there was one. */
  email?: string
  /** What the failure printed (failed assertions only). */
  message?: string
}

/** One wait (`waitForEmail`, `waitForEmails`, `expectNoEmail`). */
export interface ReportedWait {
  title: string
  ms: number
  outcome: 'ok' | 'failed'
  error?: string
}

/** What one test did with email, as the fixtures record it (before the runner adds the test's identity). */
export interface TestEmailRecord {
  environment: string
  emails: ReportedEmail[]
  assertions: ReportedAssertion[]
  waits: ReportedWait[]
}

/** One test in the report. */
export interface ReportedTest extends TestEmailRecord {
  /** Stable across runs, projects and environments: `file > describe > title`. */
  key: string
  file: string
  title: string
  /** The Playwright project or Vitest project name. */
  project?: string
  status: 'passed' | 'failed' | 'skipped' | 'timedOut' | 'interrupted'
  durationMs: number
  /** The retry this result is from (0 for the first run). */
  retry: number
}

/** `mailwright-report.json`. */
export interface EmailReport {
  version: typeof REPORT_VERSION
  tool: 'mailwright'
  runner: 'playwright' | 'vitest'
  startedAt: string
  durationMs: number
  /** Playwright `--shard=current/total`, when sharded. */
  shard?: { current: number; total: number }
  tests: ReportedTest[]
}

import type { DnsResolver } from './auth/dns-resolver.js'
import type { CapturedEmail } from './captured-email.js'

/** The spam filters Mailwright can start and ask. */
export type SpamChecker = 'rspamd' | 'spamassassin'

/** How a spam score is asked for (`checks.spam` in mailwright.config.ts, or a matcher's options). */
export interface SpamCheckOptions {
  /** Which filter scores the email. Default `rspamd`. */
  checker?: SpamChecker
  /**
   * A filter already running, instead of one Mailwright starts: rspamd's normal worker
   * (`http://127.0.0.1:11333`) or spamd (`spamd://127.0.0.1:783`).
   */
  url?: string
  /** How long one email may take, in ms. Default 30 s (scaled by `MAILWRIGHT_TIME_SCALE`). */
  timeout?: number
}

/** One rule (rspamd: symbol) that fired, with what it added to the score. */
export interface SpamSymbol {
  name: string
  score: number
  description?: string
  /** What the rule matched, when the filter says (rspamd's symbol options). */
  options?: string[]
}

/** A spam filter's judgement of one email. */
export interface SpamCheckResult {
  readonly kind: 'spam'
  checker: SpamChecker
  score: number
  /**
   * Where the filter starts calling an email spam: rspamd's `add header` action (6 by default),
   * SpamAssassin's `required_score` (5 by default).
   */
  threshold: number
  /** rspamd's action (`no action`, `greylist`, `add header`, `rewrite subject`, `reject`); SpamAssassin's `spam` or `ham`. */
  action: string
  /** Every rule that fired, highest score first. */
  symbols: SpamSymbol[]
  /** What the filter could not check here: the rules that need the network, turned off. */
  offline: readonly string[]
}

/** Email client names as caniemail spells them (`gmail.desktop-webmail`), or families (`gmail`, `outlook-windows`, `apple-mail`). */
export type EmailClientName = string

/** How compatibility is checked (`checks.compatibility`, or the matcher's options). */
export interface CompatibilityCheckOptions {
  /** Also fail on partly supported features (caniemail's "partial"). Default: only unsupported ones fail. */
  failOnPartial?: boolean
  /** How long reading the HTML may take, in ms. Default 30 s (scaled by `MAILWRIGHT_TIME_SCALE`). */
  timeout?: number
}

/** One HTML or CSS feature the email uses that some of the clients do not (fully) support. */
export interface CompatibilityFinding {
  /** caniemail's title: `display:flex`, `<video> element`, `@media`. */
  feature: string
  /** The clients (caniemail names) that do not, or only partly, support it. */
  clients: string[]
  /** caniemail's page for the feature. */
  url: string
  /** caniemail's notes on how the support is partial or buggy. */
  notes: string[]
}

/** What the email uses that the clients asked about do not support. */
export interface CompatibilityCheckResult {
  readonly kind: 'compatibility'
  /** The clients checked, as caniemail names them. */
  clients: string[]
  /** Features none of the support is there for, per client. */
  unsupported: CompatibilityFinding[]
  /** Features some clients support only partly. */
  partial: CompatibilityFinding[]
  failOnPartial: boolean
  /** When the caniemail data was last updated. */
  dataDate: string
}

/** How links are checked (`checks.links`, or the matcher's options). */
export interface LinkCheckOptions {
  /**
   * Hosts besides loopback whose links and images are requested: `staging.example.com`, `*.example.com`.
   * Links to any other host are listed as not checked. Default: none.
   */
  allowHosts?: string[]
  /** Every link and image must be `https:` (loopback excepted). Default: outside the sandbox. */
  requireHttps?: boolean
  /**
   * Hosts no link may point at: a staging email linking to `localhost` or the sandbox is broken for its
   * reader. Default outside the sandbox: `localhost`, `*.localhost`, `127.*`, `[::1]`, `0.0.0.0`.
   */
  forbidHosts?: string[]
  /**
   * Links not to request, listed as not checked: a substring of the URL or a RegExp. A one-time link (an
   * email verification token) is consumed by a request, so skip it or check after the test followed it.
   */
  skip?: Array<string | RegExp>
  /** Check images (`<img src>`, backgrounds) as well as links. Default true. */
  images?: boolean
  /** Redirects followed per link. Default 5. */
  maxRedirects?: number
  /** How long one request may take, in ms. Default 10 s (scaled by `MAILWRIGHT_TIME_SCALE`). */
  timeout?: number
}

/** One link or image of the email and what became of it. */
export interface CheckedLink {
  url: string
  /** A link (`<a href>`, a plain-text URL) or an image (`<img src>`, a background). */
  element: 'link' | 'image'
  /** The link's text or the image's alt, for messages. */
  text?: string
  /**
   * `ok` (status below 400 after redirects), `broken` (400 or more, a failed request, a redirect loop),
   * `problem` (a rule broken: `http:` where `https:` is required, a forbidden host), `not-checked` (a host
   * that is not allowed, or a scheme that is not fetched: `mailto:`, `tel:`).
   */
  outcome: 'ok' | 'broken' | 'problem' | 'not-checked'
  /** The last status seen. */
  status?: number
  /** The redirect chain after the first URL, when there was one. */
  redirects?: string[]
  /** Why it is broken, a problem or not checked. */
  reason?: string
}

/** Every link and image of the email, requested. */
export interface LinkCheckResult {
  readonly kind: 'links'
  links: CheckedLink[]
}

/** axe-core's impact levels, least to most severe. */
export type AccessibilityImpact = 'minor' | 'moderate' | 'serious' | 'critical'

/** How accessibility is checked (`checks.accessibility`, or the matcher's options). */
export interface AccessibilityCheckOptions {
  /** The least impact that fails. Default `minor` (every violation fails). */
  impact?: AccessibilityImpact
  /** axe-core rules to turn off by id (`{ 'color-contrast': false }`), or on. */
  rules?: Record<string, boolean>
  /** How long the check may take, in ms. Default 30 s (scaled by `MAILWRIGHT_TIME_SCALE`). */
  timeout?: number
}

/** One axe-core rule the rendered email breaks. */
export interface AccessibilityViolation {
  /** axe-core's rule id (`image-alt`, `color-contrast`) or Mailwright's (`email-layout-table`). */
  id: string
  impact: AccessibilityImpact
  help: string
  helpUrl: string
  /** Where: a CSS selector and the element's markup (shortened), for each element found. */
  nodes: Array<{ target: string; html: string }>
}

/** axe-core's findings on the rendered email. */
export interface AccessibilityCheckResult {
  readonly kind: 'accessibility'
  /** Violations at or above `impact`, most severe first. */
  violations: AccessibilityViolation[]
  /** Violations below `impact`: listed, not failing. */
  belowImpact: AccessibilityViolation[]
  impact: AccessibilityImpact
  axeVersion: string
}

/** Any content check's result (its `kind` says which). */
export type ContentCheckResult =
  | SpamCheckResult
  | CompatibilityCheckResult
  | LinkCheckResult
  | AccessibilityCheckResult

/** `checks` of an environment in mailwright.config.ts: how each content check runs there. */
export interface ChecksConfig {
  spam?: SpamCheckOptions
  compatibility?: CompatibilityCheckOptions & {
    /** The clients `toBeCompatibleWith()` checks when given none. */
    clients?: EmailClientName[]
  }
  links?: LinkCheckOptions
  accessibility?: AccessibilityCheckOptions
}

/** Where a check runs: the environment's settings, and whether mail stays on this machine. */
export interface CheckContext {
  /** The environment's name (a run's spam filter is by environment). */
  environment?: string
  sandbox: boolean
  checks: ChecksConfig
  /** The sending profile's DNS, for the spam filters' SPF, DKIM and DMARC modules. */
  dns?: DnsResolver
  /** The sending profile's IP and HELO, given to the spam filter as the connecting client. */
  senderIp?: string
  helo?: string
}

/**
 * What `@mailwright/checks` provides: core's matchers load it when a check is asked for, so projects that
 * never check content never install it.
 */
export interface ContentChecks {
  checkSpam(email: CapturedEmail, options: SpamCheckOptions, context: CheckContext): Promise<SpamCheckResult>
  checkCompatibility(
    email: CapturedEmail,
    clients: readonly EmailClientName[],
    options: CompatibilityCheckOptions,
  ): Promise<CompatibilityCheckResult>
  checkLinks(email: CapturedEmail, options: LinkCheckOptions, context: CheckContext): Promise<LinkCheckResult>
  checkAccessibility(
    email: CapturedEmail,
    options: AccessibilityCheckOptions,
  ): Promise<AccessibilityCheckResult>
  /** Starts a spam filter for a whole run (the runners' global setups). */
  startSpamFilter(
    checker: SpamChecker,
    options: { dns?: DnsResolver },
  ): Promise<{ url: string; stop(): Promise<void> }>
}

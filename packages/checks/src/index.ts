// Content checks that need outside tools. Core's matchers (toHaveSpamScore, toBeCompatibleWith,
// toHaveWorkingLinks, toBeAccessible) load this package when a test asks for one; its exports are also
// usable on their own.
export { checkAccessibility, PAGE_ONLY_RULES } from './check-accessibility.js'
export { checkCompatibility, resolveClients } from './check-compatibility.js'
export { checkLinks, collectTargets } from './check-links.js'
export { checkSpam, parseReport } from './check-spam.js'
export { closeCheckBrowser } from './email-page.js'
export { spamFilterUrl, stopSpamFilters } from './spam-filter-url.js'
export { type StartedLoopbackDns, startLoopbackDns } from './start-loopback-dns.js'
export {
  RSPAMD_OFFLINE_DISABLED,
  type RspamdOptions,
  type StartedRspamd,
  startRspamd,
} from './start-rspamd.js'
export {
  SPAMASSASSIN_OFFLINE_DISABLED,
  type SpamAssassinOptions,
  type StartedSpamAssassin,
  startSpamAssassin,
} from './start-spam-assassin.js'
export { type StartedSpamFilter, startSpamFilter } from './start-spam-filter.js'

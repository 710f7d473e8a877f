import type {
  AccessibilityCheckOptions,
  CompatibilityCheckOptions,
  EmailClientName,
  LinkCheckOptions,
} from '../content-checks.js'
import type { EmailQuery } from '../email-query.js'
import type { AddressExpectation } from './address-matcher.js'
import type { MatcherResult, MatcherState } from './matcher-result.js'
import { toBeAccessible } from './to-be-accessible.js'
import { toBeCompatibleWith } from './to-be-compatible-with.js'
import { toBeDmarcAligned } from './to-be-dmarc-aligned.js'
import { toBeJunk } from './to-be-junk.js'
import { toBeSentFrom } from './to-be-sent-from.js'
import { toBeSentTo } from './to-be-sent-to.js'
import { type ToBounceOptions, toBounce } from './to-bounce.js'
import { toContainText } from './to-contain-text.js'
import { type AttachmentExpectation, toHaveAttachment } from './to-have-attachment.js'
import { type ToHaveBeenAttemptedOptions, toHaveBeenAttempted } from './to-have-been-attempted.js'
import { toHaveHeader } from './to-have-header.js'
import { type ToHaveLinkOptions, toHaveLink } from './to-have-link.js'
import { toHavePassedArc } from './to-have-passed-arc.js'
import { type DkimExpectation, toHavePassedDkim } from './to-have-passed-dkim.js'
import { type DmarcExpectation, toHavePassedDmarc } from './to-have-passed-dmarc.js'
import { toHavePassedSpf } from './to-have-passed-spf.js'
import { toHaveReplyTo } from './to-have-reply-to.js'
import { type ToHaveSpamScoreOptions, toHaveSpamScore } from './to-have-spam-score.js'
import { toHaveSubject } from './to-have-subject.js'
import { toHaveWorkingLinks } from './to-have-working-links.js'
import { toMeetBulkSenderRequirements } from './to-meet-bulk-sender-requirements.js'
import { type ToReceiveEmailOptions, toReceiveEmail } from './to-receive-email.js'

/**
 * Every Mailwright matcher, in the shape both Vitest's and Playwright's `expect.extend` take. The runner
 * packages register exactly these; the messages are written once, here.
 *
 * @example
 * import { expect } from 'vitest'
 * expect.extend(emailMatchers)
 */
export const emailMatchers: EmailMatcherImplementations = {
  toBeSentFrom,
  toBeSentTo,
  toHaveSubject,
  toHaveReplyTo,
  toHaveHeader,
  toContainText,
  toHaveLink,
  toHaveAttachment,
  toHavePassedSpf,
  toHavePassedDkim,
  toHavePassedDmarc,
  toHavePassedArc,
  toBeDmarcAligned,
  toMeetBulkSenderRequirements,
  toBeJunk,
  toReceiveEmail,
  toBounce,
  toHaveBeenAttempted,
  toHaveSpamScore,
  toBeCompatibleWith,
  toHaveWorkingLinks,
  toBeAccessible,
}

/** The matcher functions as `expect.extend` receives them (`this` is the runner's matcher state). */
// A type alias, not an interface: runners' `expect.extend` wants something assignable to a Record.
export type EmailMatcherImplementations = {
  toBeSentFrom(this: MatcherState, received: unknown, expected: AddressExpectation): MatcherResult
  toBeSentTo(this: MatcherState, received: unknown, expected: AddressExpectation): MatcherResult
  toHaveSubject(this: MatcherState, received: unknown, expected: string | RegExp): MatcherResult
  toHaveReplyTo(this: MatcherState, received: unknown, expected: AddressExpectation): MatcherResult
  toHaveHeader(this: MatcherState, received: unknown, name: string, value?: string | RegExp): MatcherResult
  toContainText(this: MatcherState, received: unknown, expected: string | RegExp): MatcherResult
  toHaveLink(
    this: MatcherState,
    received: unknown,
    href: string | RegExp,
    options?: ToHaveLinkOptions,
  ): MatcherResult
  toHaveAttachment(this: MatcherState, received: unknown, expected?: AttachmentExpectation): MatcherResult
  toHavePassedSpf(this: MatcherState, received: unknown): MatcherResult
  toHavePassedDkim(this: MatcherState, received: unknown, expected?: DkimExpectation): MatcherResult
  toHavePassedDmarc(this: MatcherState, received: unknown, expected?: DmarcExpectation): MatcherResult
  toHavePassedArc(this: MatcherState, received: unknown): MatcherResult
  toBeDmarcAligned(this: MatcherState, received: unknown): MatcherResult
  toMeetBulkSenderRequirements(this: MatcherState, received: unknown): MatcherResult
  toBeJunk(this: MatcherState, received: unknown): MatcherResult
  toReceiveEmail(
    this: MatcherState,
    received: unknown,
    query?: EmailQuery,
    options?: ToReceiveEmailOptions,
  ): Promise<MatcherResult>
  toBounce(this: MatcherState, received: unknown, options?: ToBounceOptions): Promise<MatcherResult>
  toHaveBeenAttempted(
    this: MatcherState,
    received: unknown,
    expected?: ToHaveBeenAttemptedOptions,
  ): Promise<MatcherResult>
  toHaveSpamScore(
    this: MatcherState,
    received: unknown,
    options?: ToHaveSpamScoreOptions,
  ): Promise<MatcherResult>
  toBeCompatibleWith(
    this: MatcherState,
    received: unknown,
    clients?: readonly EmailClientName[],
    options?: CompatibilityCheckOptions,
  ): Promise<MatcherResult>
  toHaveWorkingLinks(
    this: MatcherState,
    received: unknown,
    options?: LinkCheckOptions,
  ): Promise<MatcherResult>
  toBeAccessible(
    this: MatcherState,
    received: unknown,
    options?: AccessibilityCheckOptions,
  ): Promise<MatcherResult>
}

/**
 * The matchers as a user calls them, for module augmentation in the runners (`R` is the runner's return
 * type; `toReceiveEmail`, `toBounce`, `toHaveBeenAttempted` and the content checks are always awaited).
 */
export interface EmailMatchers<R = unknown> {
  toBeSentFrom(expected: AddressExpectation): R
  toBeSentTo(expected: AddressExpectation): R
  toHaveSubject(expected: string | RegExp): R
  toHaveReplyTo(expected: AddressExpectation): R
  toHaveHeader(name: string, value?: string | RegExp): R
  toContainText(expected: string | RegExp): R
  toHaveLink(href: string | RegExp, options?: ToHaveLinkOptions): R
  toHaveAttachment(expected?: AttachmentExpectation): R
  toHavePassedSpf(): R
  toHavePassedDkim(expected?: DkimExpectation): R
  toHavePassedDmarc(expected?: DmarcExpectation): R
  toHavePassedArc(): R
  toBeDmarcAligned(): R
  toMeetBulkSenderRequirements(): R
  toBeJunk(): R
  toReceiveEmail(query?: EmailQuery, options?: ToReceiveEmailOptions): Promise<R>
  toBounce(options?: ToBounceOptions): Promise<R>
  toHaveBeenAttempted(expected?: ToHaveBeenAttemptedOptions): Promise<R>
  toHaveSpamScore(options?: ToHaveSpamScoreOptions): Promise<R>
  toBeCompatibleWith(clients?: readonly EmailClientName[], options?: CompatibilityCheckOptions): Promise<R>
  toHaveWorkingLinks(options?: LinkCheckOptions): Promise<R>
  toBeAccessible(options?: AccessibilityCheckOptions): Promise<R>
}

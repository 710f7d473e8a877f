import type { EmailAttachment } from '../captured-email.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'
import { checkTextExpectation, textMatches } from './text-expectation.js'

/** What the attachment must be; every field given must hold for one attachment. */
export interface AttachmentExpectation {
  filename?: string | RegExp
  contentType?: string | RegExp
  minSize?: number
  maxSize?: number
}

/**
 * Passes when one attachment has the filename (exact or RegExp), content type, and a size within bounds.
 *
 * @example
 * expect(email).toHaveAttachment({ filename: 'invoice.pdf', contentType: 'application/pdf', maxSize: 2_000_000 })
 */
export function toHaveAttachment(
  this: MatcherState,
  received: unknown,
  expected: AttachmentExpectation = {},
): MatcherResult {
  const email = assertEmail(received, 'toHaveAttachment')
  const want = checkAttachmentExpectation(expected)
  const fits = (a: EmailAttachment) =>
    (want.filename === undefined || textMatches(want.filename, a.filename ?? '', true)) &&
    (want.contentType === undefined || textMatches(want.contentType, a.contentType, true)) &&
    (want.minSize === undefined || a.size >= want.minSize) &&
    (want.maxSize === undefined || a.size <= want.maxSize)
  const pass = email.attachments.some(fits)
  return {
    pass,
    name: 'toHaveAttachment',
    email,
    expected: want,
    actual: email.attachments.map(({ content: _c, ...meta }) => meta),
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHaveAttachment',
        isNot: this.isNot,
        args: show(expected),
        expected: `an attachment ${show(want)}`,
        received: email.attachments.length ? `${email.attachments.length} attachment(s)` : 'no attachments',
        details: email.attachments.map(
          (a) =>
            `  ${a.filename ?? '(no filename)'} (${a.contentType}, ${a.size} bytes${a.inline ? ', inline' : ''})`,
        ),
        email,
      }),
  }
}

function checkAttachmentExpectation(expected: unknown): AttachmentExpectation {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
    throw new InvalidArgumentError(
      'toHaveAttachment() argument',
      expected,
      '{ filename?, contentType?, minSize?, maxSize? }',
    )
  }
  const e = expected as Record<string, unknown>
  for (const key of Object.keys(e)) {
    if (!['filename', 'contentType', 'minSize', 'maxSize'].includes(key)) {
      throw new InvalidArgumentError(
        `toHaveAttachment() ${key}`,
        e[key],
        'one of filename, contentType, minSize, maxSize',
      )
    }
  }
  for (const key of ['minSize', 'maxSize']) {
    if (e[key] !== undefined && (typeof e[key] !== 'number' || (e[key] as number) < 0)) {
      throw new InvalidArgumentError(`toHaveAttachment() ${key}`, e[key], 'a number of bytes >= 0')
    }
  }
  return {
    filename:
      e.filename === undefined ? undefined : checkTextExpectation(e.filename, 'toHaveAttachment() filename'),
    contentType:
      e.contentType === undefined
        ? undefined
        : checkTextExpectation(e.contentType, 'toHaveAttachment() contentType'),
    minSize: e.minSize as number | undefined,
    maxSize: e.maxSize as number | undefined,
  }
}

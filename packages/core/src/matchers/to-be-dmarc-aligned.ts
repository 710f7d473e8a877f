import { authBlock, requireAuth } from './auth-block.js'
import { formatMatcherMessage } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/**
 * Passes when SPF or DKIM passed for a domain aligned with the From domain (DMARC's identifier alignment,
 * relaxed or strict as the record says), whatever the published policy.
 *
 * @example
 * expect(email).toBeDmarcAligned()
 */
export function toBeDmarcAligned(this: MatcherState, received: unknown): MatcherResult {
  const email = assertEmail(received, 'toBeDmarcAligned')
  const auth = requireAuth(email, 'toBeDmarcAligned')
  const alignment = auth.dmarc?.alignment
  const aligned = Boolean(alignment && (alignment.spf || alignment.dkim))
  const which = alignment
    ? [alignment.spf ? 'spf' : '', alignment.dkim ? 'dkim' : ''].filter(Boolean).join(' and ')
    : ''
  return {
    pass: aligned,
    name: 'toBeDmarcAligned',
    email,
    expected: 'aligned',
    actual: alignment,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toBeDmarcAligned',
        isNot: this.isNot,
        args: '',
        expected: `SPF or DKIM aligned with header.from=${auth.dmarc?.domain ?? email.from?.address.split('@').pop() ?? '?'}`,
        received: aligned ? `aligned by ${which}` : 'neither SPF nor DKIM is aligned',
        email,
        trailer: authBlock(auth),
      }),
  }
}

import { describe, expect, it } from 'vitest'
import { guardRecipients, RecipientNotAllowedError, recipientAllowed } from './recipient-guard.js'

describe('recipient guard', () => {
  it('matches exact addresses, * within the local part or domain, and RegExps, ignoring case', () => {
    expect(recipientAllowed('QA+t1@Contoso.com', ['*@contoso.com'])).toBe(true)
    expect(recipientAllowed('qa+t1@contoso.com', ['qa+*@contoso.com'])).toBe(true)
    expect(recipientAllowed('ceo@contoso.com', ['qa+*@contoso.com'])).toBe(false)
    expect(recipientAllowed('qa@contoso.com.evil.test', ['*@contoso.com'])).toBe(false)
    expect(recipientAllowed('x@evil.test@contoso.com', ['*@contoso.com'])).toBe(false)
    expect(recipientAllowed('qa@sub.contoso.com', ['*@*.contoso.com'])).toBe(true)
    expect(recipientAllowed('qa@contoso.com', [/^qa@/])).toBe(true)
    expect(recipientAllowed('anyone@contoso.com', [])).toBe(false)
  })

  it('refuses the whole send naming the first address outside the list', () => {
    const error = (() => {
      try {
        guardRecipients(['qa+t1@contoso.com', 'customer@gmail.com'], ['*@contoso.com'], 'staging')
      } catch (e) {
        return e
      }
    })() as RecipientNotAllowedError
    expect(error).toBeInstanceOf(RecipientNotAllowedError)
    expect(error.address).toBe('customer@gmail.com')
    expect(error.detail).toBe(
      'Refused to send to customer@gmail.com in environment "staging": it matches none of allowRecipients [*@contoso.com]. Nothing was sent. Send to an allowed test address (an inbox fixture\'s address is), or add a rule to allowRecipients in mailwright.config.ts.',
    )
  })
})

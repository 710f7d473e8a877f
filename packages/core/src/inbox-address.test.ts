import { describe, expect, it } from 'vitest'
import { inboxAddress } from './inbox-address.js'

describe('inboxAddress', () => {
  it('makes a unique address on a domain, or a plus address on a mailbox', () => {
    expect(inboxAddress('alice', 'inbox.test')).toMatch(/^alice\+[0-9a-z]{6}@inbox\.test$/)
    expect(inboxAddress('signup', 'QA@Contoso.com')).toMatch(/^qa\+signup-[0-9a-z]{6}@contoso\.com$/)
    expect(inboxAddress('a', 'inbox.test', 'fixed1')).toBe('a+fixed1@inbox.test')
    const many = new Set(Array.from({ length: 1000 }, () => inboxAddress('x', 'inbox.test')))
    expect(many.size).toBe(1000)
  })

  it('refuses a name that would break the address, saying what is allowed', () => {
    expect(() => inboxAddress('a b', 'inbox.test')).toThrow(
      'Invalid name: "a b". Expected letters, digits, ".", "_" or "-" (1 to 40 characters).',
    )
    expect(() => inboxAddress('x'.repeat(41), 'qa@contoso.com')).toThrow(/Invalid name/)
  })
})

import { describe, expect, it } from 'vitest'
import { redact, Secret } from './secret.js'

describe('redact', () => {
  const secret = new Secret('P', 'hunter2-password')

  it('hides a secret, its base64 form and AUTH initial responses', () => {
    const xoauth2 = Buffer.from('user=qa@contoso.test\u0001auth=Bearer eyJ0eXAi.abc\u0001\u0001').toString(
      'base64',
    )
    expect(redact(`C: ${Buffer.from('hunter2-password').toString('base64')}`, [secret])).toBe('C: [redacted]')
    expect(redact(`C: AUTH XOAUTH2 ${xoauth2}`, [])).toBe('C: AUTH XOAUTH2 [redacted]')
    expect(redact(`C: AUTH PLAIN ${xoauth2.slice(0, 40)}… (300 bytes)`, [])).toBe(
      'C: AUTH PLAIN [redacted]… (300 bytes)',
    )
    expect(redact('Authorization: Bearer eyJ0eXAi.abc-def', [])).toBe('Authorization: Bearer [redacted]')
  })

  // The transcript quotes the server: "AUTH LOGIN XOAUTH2" is an EHLO line naming mechanisms, not a secret.
  it('leaves protocol words as they were written', () => {
    expect(redact('S: 250-AUTH LOGIN XOAUTH2', [secret])).toBe('S: 250-AUTH LOGIN XOAUTH2')
    expect(redact('the server does not offer AUTH LOGIN (it offers: none)', [])).toBe(
      'the server does not offer AUTH LOGIN (it offers: none)',
    )
  })
})

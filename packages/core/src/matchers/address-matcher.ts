import type { EmailAddress } from '../captured-email.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'

/** An expected address: exact address (case-insensitive), address and display name, or a RegExp. */
export type AddressExpectation = string | { address: string; name?: string | RegExp } | RegExp

export function checkAddressExpectation(expected: unknown, matcher: string): AddressExpectation {
  if (typeof expected === 'string' || expected instanceof RegExp) return expected
  if (
    expected &&
    typeof expected === 'object' &&
    typeof (expected as { address?: unknown }).address === 'string'
  ) {
    return expected as AddressExpectation
  }
  throw new InvalidArgumentError(
    `${matcher}() argument`,
    expected,
    'an address string, { address, name? } or a RegExp',
  )
}

/** Whether an address satisfies the expectation. A RegExp is tried on the address and on `Name <address>`. */
export function addressMatches(expected: AddressExpectation, actual: EmailAddress): boolean {
  if (expected instanceof RegExp) {
    expected.lastIndex = 0
    if (expected.test(actual.address)) return true
    expected.lastIndex = 0
    return expected.test(formatAddress(actual))
  }
  if (typeof expected === 'string') return sameAddress(expected, actual.address)
  if (!sameAddress(expected.address, actual.address)) return false
  if (expected.name === undefined) return true
  if (expected.name instanceof RegExp) {
    expected.name.lastIndex = 0
    return expected.name.test(actual.name)
  }
  return expected.name === actual.name
}

// The domain is case-insensitive; the local part is too in practice (RFC 5321 allows otherwise, no real
// mailbox provider does it), and tests compare against addresses apps lower-case freely.
function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase()
}

export function formatAddress(a: EmailAddress): string {
  return a.name ? `"${a.name}" <${a.address}>` : a.address
}

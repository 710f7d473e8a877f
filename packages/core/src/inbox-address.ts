import { randomBytes } from 'node:crypto'
import { InvalidArgumentError } from './invalid-argument-error.js'

/**
 * A new, unique inbox address. On a capture server's domain it is `<name>+<id>@<domain>`; on a real mailbox
 * (`at` is an address) it is the mailbox's plus address `<local>+<name>-<id>@<domain>`, which delivers to
 * the mailbox itself. `name` is checked the same way everywhere; `id` defaults to 6 random characters.
 *
 * @example
 * inboxAddress('alice', 'inbox.test')      // 'alice+k3f9x2@inbox.test'
 * inboxAddress('signup', 'qa@contoso.com') // 'qa+signup-k3f9x2@contoso.com'
 */
export function inboxAddress(name: string, at: string, id: string = randomId()): string {
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(name)) {
    throw new InvalidArgumentError('name', name, 'letters, digits, ".", "_" or "-" (1 to 40 characters)')
  }
  const mailbox = at.lastIndexOf('@')
  if (mailbox === -1) return `${name}+${id}@${at}`
  return `${at.slice(0, mailbox)}+${name}-${id}@${at.slice(mailbox + 1)}`.toLowerCase()
}

/** Random lower-case letters and digits: 6 (31 bits) by default; 8 (41 bits) for addresses a client makes. */
export function randomId(length: 6 | 8 = 6): string {
  const bits = length === 6 ? randomBytes(4).readUInt32BE() : randomBytes(6).readUIntBE(0, 6)
  return bits
    .toString(36)
    .padStart(length + 1, '0')
    .slice(-length)
}

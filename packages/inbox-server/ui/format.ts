import type { Address } from './api.ts'

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** `14:03:07` today, `Nov 28 14:03` before. */
export function formatTime(iso: string, now = new Date()): string {
  const date = new Date(iso)
  const sameDay = date.toDateString() === now.toDateString()
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

export function who(address: Address | undefined): string {
  if (!address) return '(no sender)'
  // A name that looks like an address ("support@bank.example" <x@evil.test>) is shown quoted, as it is.
  if (!address.name) return address.address
  const name = /[@<>",;]/.test(address.name) ? JSON.stringify(address.name) : address.name
  return `${name} <${address.address}>`
}

/** The inbox's own part of a generated address: `signup-sends+k3f9@inbox.test` → `signup-sends`. */
export function inboxName(address: string): string {
  const at = address.lastIndexOf('@')
  const local = at < 0 ? address : address.slice(0, at)
  const plus = local.indexOf('+')
  return plus > 0 ? local.slice(0, plus) : local
}

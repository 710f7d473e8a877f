import type { InboxProvider } from './connect-inbox-server.js'

/**
 * The last lines of a capture server's log (a container's), for a failing test's report; undefined when the
 * provider has no log or it cannot be read.
 *
 * @example
 * const log = await containerLogTail(inboxProvider) // '…\nMailDev\n  SMTP Server …'
 */
export async function containerLogTail(provider: InboxProvider, lines = 200): Promise<string | undefined> {
  if (!provider.logs) return undefined
  try {
    const all = (await provider.logs()).split('\n')
    const tail = all.slice(-lines).join('\n')
    return all.length > lines ? `… (${all.length - lines} earlier lines left out)\n${tail}` : tail
  } catch {
    return undefined
  }
}

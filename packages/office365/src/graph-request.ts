/** Microsoft allows 4 concurrent Graph requests per app and mailbox; more get 429 (MailboxConcurrency). */
export const GRAPH_MAILBOX_CONCURRENCY = 4
/** How often a throttled request is tried again before its 429 is returned to the caller. */
const RETRIES = 5
/** The longest Retry-After honoured; a longer one is returned to the caller as it is. */
const MAX_WAIT_MS = 30_000

const gates = new Map<string, Gate>()

/**
 * A Graph request the way Microsoft's throttling guidance asks for: at most 4 at once per mailbox from this
 * process, and on 429 or 503 a wait of `Retry-After` (then up to 5 tries) instead of an error. Both the Graph
 * inbox and the Graph sendMail transport send through it.
 *
 * @example
 * const response = await graphRequest('qa@contoso.com', url, { headers: { authorization } })
 */
export async function graphRequest(mailbox: string, url: string, init: RequestInit = {}): Promise<Response> {
  const key = mailbox.toLowerCase()
  let gate = gates.get(key)
  if (!gate) {
    gate = new Gate(GRAPH_MAILBOX_CONCURRENCY)
    gates.set(key, gate)
  }
  for (let attempt = 0; ; attempt++) {
    const response = await gate.run(() => fetch(url, init))
    if ((response.status !== 429 && response.status !== 503) || attempt >= RETRIES) return response
    const wait = retryAfterMs(response.headers.get('retry-after'), attempt)
    if (wait > MAX_WAIT_MS) return response
    await response.arrayBuffer().catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, wait))
  }
}

// Retry-After is seconds (or an HTTP date); without one, back off exponentially from 0.5 s.
function retryAfterMs(header: string | null, attempt: number): number {
  if (header && /^\d+$/.test(header.trim())) return Math.max(100, Number(header) * 1000)
  const date = header ? Date.parse(header) : Number.NaN
  if (!Number.isNaN(date)) return Math.max(100, date - Date.now())
  return 500 * 2 ** attempt
}

class Gate {
  readonly #limit: number
  #open = 0
  readonly #waiting: Array<() => void> = []

  constructor(limit: number) {
    this.#limit = limit
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#open >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    this.#open += 1
    try {
      return await task()
    } finally {
      this.#open -= 1
      this.#waiting.shift()?.()
    }
  }
}

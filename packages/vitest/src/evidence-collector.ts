import type { CapturedEmail } from '@mailwright/core'

// The emails the running test waited for or asserted on. Vitest runs one test at a time per worker
// unless `test.concurrent` is used, where evidence may be shared between the concurrent tests.
let current: Set<CapturedEmail> | undefined

export function startCollecting(): Set<CapturedEmail> {
  current = new Set()
  return current
}

export function stopCollecting(collected: Set<CapturedEmail>): void {
  if (current === collected) current = undefined
}

export function recordEmail(email: CapturedEmail): void {
  current?.add(email)
}

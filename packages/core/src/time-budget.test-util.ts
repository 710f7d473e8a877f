import { availableParallelism, loadavg } from 'node:os'
import { timeScale } from './time-scale.js'

// How busy the machine is as the test file loads: the 1-minute load average per core, from 1 (idle or
// normal) up to 4. A 2-core CI runner at load 8 gets four times the time.
export const busy = Math.min(4, Math.max(1, (loadavg()[0] ?? 0) / availableParallelism()))

/**
 * A test's time budget: `ms` for a quiet machine, stretched by MAILWRIGHT_TIME_SCALE and by the load the
 * machine is under. Every timeout of a test that starts a runner, a browser or a burst of SMTP comes from it,
 * as vitest.config.ts's own do.
 *
 * @example
 * it('runs the Playwright project', async () => { … }, budget(60_000))
 */
export function budget(ms: number): number {
  return Math.round(ms * timeScale() * busy)
}

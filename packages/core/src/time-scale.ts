import { InvalidArgumentError } from './invalid-argument-error.js'

/**
 * The factor every default timeout is multiplied by: `MAILWRIGHT_TIME_SCALE` (default 1). A busy CI runner sets
 * it once (e.g. `MAILWRIGHT_TIME_SCALE=2`) instead of raising each timeout; explicit `timeout` and `within`
 * values a test passes are left as written.
 *
 * @example
 * const timeout = scaledTimeout(10_000) // 20_000 with MAILWRIGHT_TIME_SCALE=2
 */
export function timeScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MAILWRIGHT_TIME_SCALE
  if (raw === undefined || raw === '') return 1
  const scale = Number(raw)
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100) {
    throw new InvalidArgumentError(
      'MAILWRIGHT_TIME_SCALE',
      raw,
      'a number above 0 and at most 100, e.g. 2 on a busy runner',
    )
  }
  return scale
}

/** `ms` times {@link timeScale}, rounded: for default timeouts only. */
export function scaledTimeout(ms: number, env: NodeJS.ProcessEnv = process.env): number {
  return Math.round(ms * timeScale(env))
}

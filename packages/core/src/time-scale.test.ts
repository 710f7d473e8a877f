import { describe, expect, it } from 'vitest'
import { resolveEnvironment } from './config/resolve-environment.js'
import { scaledTimeout, timeScale } from './time-scale.js'

describe('MAILWRIGHT_TIME_SCALE', () => {
  it('stretches default timeouts and refuses a value that is not a factor', () => {
    expect(scaledTimeout(10_000, {})).toBe(10_000)
    expect(scaledTimeout(10_000, { MAILWRIGHT_TIME_SCALE: '2.5' })).toBe(25_000)
    expect(() => timeScale({ MAILWRIGHT_TIME_SCALE: 'fast' })).toThrow(
      'Invalid MAILWRIGHT_TIME_SCALE: "fast". Expected a number above 0 and at most 100, e.g. 2 on a busy runner.',
    )
  })

  it("scales an environment's default waits, never the ones its config gives", async () => {
    const before = process.env.MAILWRIGHT_TIME_SCALE
    process.env.MAILWRIGHT_TIME_SCALE = '3'
    try {
      const config = { environments: { sandbox: { inbox: { type: 'local' as const } } } }
      expect((await resolveEnvironment(config, { name: 'sandbox' })).timeouts).toEqual({
        email: 30_000,
        noEmail: 6_000,
      })
      const given = {
        environments: { sandbox: { inbox: { type: 'local' as const }, timeouts: { email: 5_000 } } },
      }
      expect((await resolveEnvironment(given, { name: 'sandbox' })).timeouts.email).toBe(5_000)
    } finally {
      if (before === undefined) delete process.env.MAILWRIGHT_TIME_SCALE
      else process.env.MAILWRIGHT_TIME_SCALE = before
    }
  })
})

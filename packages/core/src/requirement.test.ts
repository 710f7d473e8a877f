import { describe, expect, it } from 'vitest'
import { canRun, nameWith } from './requirement.test-util.js'

describe('tests that need a tool', () => {
  const missing = { available: false, missing: 'swaks is not installed', install: 'apt-get install swaks' }

  it('are named with what is missing and how to get it when they skip', () => {
    const before = process.env.CI
    delete process.env.CI
    try {
      expect(nameWith('swaks', [missing])).toBe(
        'swaks (skipped: swaks is not installed; apt-get install swaks)',
      )
      expect(nameWith('swaks', [{ ...missing, available: true }])).toBe('swaks')
    } finally {
      if (before !== undefined) process.env.CI = before
    }
  })

  it('never skip under CI=true, where a missing tool must fail', () => {
    const before = process.env.CI
    process.env.CI = 'true'
    try {
      expect(nameWith('swaks', [missing])).toBe('swaks')
    } finally {
      if (before === undefined) delete process.env.CI
      else process.env.CI = before
    }
  })

  it('find out whether a command runs', () => {
    expect(canRun(process.execPath)).toBe(true)
    expect(canRun('mailwright-no-such-command')).toBe(false)
  })
})

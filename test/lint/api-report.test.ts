import { describe, expect, it } from 'vitest'
import { apiReports } from '../../scripts/api-report.ts'

// The public surface of every package, as API Extractor reads it from the build, against the reports
// checked in under packages/*/api/: a change to what users can import shows in review, never by surprise.
describe('the public API reports', () => {
  it('match the build of every public entry', () => {
    const results = apiReports()
    expect(results.filter((r) => r.errors.length).map((r) => `${r.report}: ${r.errors.join('; ')}`)).toEqual(
      [],
    )
    expect(
      results.filter((r) => r.changed).map((r) => r.report),
      'the public API changed: review it, then run node scripts/api-report.ts --update and commit packages/*/api/',
    ).toEqual([])
  })
})

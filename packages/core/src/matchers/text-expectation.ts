import { InvalidArgumentError } from '../invalid-argument-error.js'

export function checkTextExpectation(expected: unknown, what: string): string | RegExp {
  if (typeof expected === 'string' || expected instanceof RegExp) return expected
  throw new InvalidArgumentError(what, expected, 'a string or a RegExp')
}

/** RegExp: tested; string: `exact` decides between equality and contains. */
export function textMatches(expected: string | RegExp, actual: string, exact: boolean): boolean {
  if (expected instanceof RegExp) {
    expected.lastIndex = 0
    return expected.test(actual)
  }
  return exact ? actual === expected : actual.includes(expected)
}

export function excerpt(value: string, max = 200): string {
  const flat = value.replace(/\s+/g, ' ').trim()
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 3)}...` : flat)
}

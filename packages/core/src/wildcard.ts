/**
 * A pattern with `*` wildcards as an anchored, case-insensitive RegExp; `*` matches any run of characters
 * in `any` (default: any character at all). Every other character stands for itself.
 *
 * @example
 * wildcard('*@contoso.com', '[^@]').test('qa@contoso.com') // true
 * wildcard('*.example.com').test('a.b.example.com') // true
 */
export function wildcard(pattern: string, any = '.'): RegExp {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join(`${any}*`)}$`, 'i')
}

/**
 * Whether `text` matches a RegExp or contains a string, with a RegExp's `g`/`y` state reset first (a global
 * RegExp would otherwise match only every other call).
 *
 * @example
 * matchesPattern('https://app/verify?token=1', /\/verify/g) // true, every time
 */
export function matchesPattern(text: string, pattern: string | RegExp): boolean {
  if (typeof pattern === 'string') return text.includes(pattern)
  pattern.lastIndex = 0
  return pattern.test(text)
}

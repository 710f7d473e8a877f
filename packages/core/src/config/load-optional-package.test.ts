import { describe, expect, it } from 'vitest'
import { loadOptionalPackage } from './load-optional-package.js'
import { MissingPackageError } from './missing-package-error.js'

describe('loadOptionalPackage', () => {
  it('names what needed the package and the command that installs it', async () => {
    const error = await loadOptionalPackage(
      '@mailwright/not-a-package',
      'mailwright.config: environments.c.inbox',
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MissingPackageError)
    expect((error as MissingPackageError).detail).toBe(
      'mailwright.config: environments.c.inbox needs the @mailwright/not-a-package package, which is not installed. Add it to the project: npm install -D @mailwright/not-a-package (or pnpm add -D @mailwright/not-a-package).',
    )
  })

  it('falls back to resolving from the given module when the project lacks the package', async () => {
    const fromHere = await loadOptionalPackage<typeof import('fast-check')>(
      'fast-check',
      'this test',
      import.meta.url,
    )
    expect(typeof fromHere.assert).toBe('function')
  })
})

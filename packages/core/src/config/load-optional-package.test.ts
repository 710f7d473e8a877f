import { describe, expect, it } from 'vitest'
import { loadOptionalPackage } from './load-optional-package.js'

describe('loadOptionalPackage', () => {
  it('names the config key, the package and the command that installs it', async () => {
    await expect(loadOptionalPackage('@mailwright/not-a-package', 'environments.c.inbox')).rejects.toThrow(
      'environments.c.inbox needs the @mailwright/not-a-package package, which is not installed. Add it: pnpm add -D @mailwright/not-a-package.',
    )
  })
})

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { startCli } from './cli-process.test-util.js'

describe('mailwright --version', () => {
  it('prints the version of the installed package and exits 0', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    const cli = startCli(['--version'])
    expect(await cli.exited).toBe(0)
    expect(cli.output()).toBe(`${manifest.version}\n`)
  })
})

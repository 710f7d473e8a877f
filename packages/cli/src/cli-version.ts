import { readFileSync } from 'node:fs'

/**
 * The version of this `mailwright` package, read from its package.json (published beside dist/).
 *
 * @example
 * console.log(cliVersion()) // '0.1.0'
 */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return manifest.version
}

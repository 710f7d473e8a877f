import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { errorDetail } from '../mailwright-error.js'
import { ConfigError } from './config-error.js'
import type { MailwrightConfig } from './define-config.js'

const NAMES = [
  'mailwright.config.ts',
  'mailwright.config.mts',
  'mailwright.config.js',
  'mailwright.config.mjs',
]

/** The configuration used when a project has no mailwright.config: one sandbox with the local inbox. */
export const DEFAULT_CONFIG: MailwrightConfig = { environments: { sandbox: { inbox: { type: 'local' } } } }

/** The config file of a directory (`mailwright.config.{ts,mts,js,mjs}`, in that order), if it has one. */
export function configFile(directory = process.cwd()): string | undefined {
  return NAMES.map((name) => join(directory, name)).find((path) => existsSync(path))
}

/**
 * Loads `mailwright.config.{ts,mts,js,mjs}` from a directory, or the config file given (TypeScript runs
 * through Node's type stripping); the default sandbox-only config when a directory has none.
 *
 * @example
 * const environment = await resolveEnvironment(await loadConfig())
 */
export async function loadConfig(directory = process.cwd()): Promise<MailwrightConfig & { file?: string }> {
  const given = existsSync(directory) && statSync(directory).isFile()
  const file = given ? directory : configFile(directory)
  if (!file) return DEFAULT_CONFIG
  let loaded: { default?: unknown }
  try {
    loaded = (await import(pathToFileURL(file).href)) as { default?: unknown }
  } catch (error) {
    throw new ConfigError(
      file,
      `could not be loaded (${errorDetail(error)})`,
      'Fix the file; it must `export default defineConfig({ … })`.',
    )
  }
  if (!loaded.default || typeof loaded.default !== 'object') {
    throw new ConfigError(
      file,
      'has no default export',
      'Write `export default defineConfig({ environments: { … } })`.',
    )
  }
  return { ...(loaded.default as MailwrightConfig), file }
}

import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError } from './config-error.js'

/**
 * Loads an optional Mailwright package from the project (its node_modules, where the user installed it),
 * only when an environment needs it: sandbox-only users never install msal or testcontainers. `key` is the
 * config key that asked for it, for the error.
 *
 * @example
 * const office365 = await loadOptionalPackage<Office365Module>('@mailwright/office365', 'environments.staging.transport')
 */
export async function loadOptionalPackage<T>(name: string, key: string): Promise<T> {
  let resolved: string
  try {
    resolved = createRequire(join(process.cwd(), 'package.json')).resolve(name)
  } catch {
    throw new ConfigError(
      key,
      `needs the ${name} package, which is not installed`,
      `Add it: pnpm add -D ${name}.`,
    )
  }
  return (await import(pathToFileURL(resolved).href)) as T
}

import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { MissingPackageError } from './missing-package-error.js'

/**
 * Loads an optional Mailwright package from the project (its node_modules, where the user installed it),
 * only when something needs it: sandbox-only users never install msal or testcontainers. `neededBy` names
 * what asked for it (a config key such as `environments.staging.transport`, or a command), for the error;
 * `from` is another module URL to resolve from when the project does not have it (a global CLI).
 *
 * @example
 * const office365 = await loadOptionalPackage<Office365Module>('@mailwright/office365', 'mailwright.config: environments.staging.transport')
 */
export async function loadOptionalPackage<T>(name: string, neededBy: string, from?: string): Promise<T> {
  const bases = [join(process.cwd(), 'package.json'), ...(from === undefined ? [] : [from])]
  for (const base of bases) {
    let resolved: string
    try {
      resolved = createRequire(base).resolve(name)
    } catch {
      continue
    }
    return (await import(pathToFileURL(resolved).href)) as T
  }
  throw new MissingPackageError(name, neededBy)
}

import { MailwrightError } from '../mailwright-error.js'

/**
 * An optional Mailwright package (Office 365, containers) is needed but not installed in the project.
 * The runner packages leave these out so a sandbox-only setup stays small; the message names what needed
 * the package and the command that adds it.
 *
 * @example
 * try {
 *   await loadOffice365('environments.staging.transport')
 * } catch (error) {
 *   if (error instanceof MissingPackageError) console.log(`npm install -D ${error.packageName}`)
 * }
 */
export class MissingPackageError extends MailwrightError {
  readonly packageName: string
  readonly neededBy: string

  constructor(packageName: string, neededBy: string) {
    super(
      'MISSING_PACKAGE',
      `${neededBy} needs the ${packageName} package, which is not installed. Add it to the project: npm install -D ${packageName} (or pnpm add -D ${packageName}).`,
    )
    this.packageName = packageName
    this.neededBy = neededBy
  }
}

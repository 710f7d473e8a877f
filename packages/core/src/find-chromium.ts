import { existsSync } from 'node:fs'
import { MailwrightError } from './mailwright-error.js'

/** Where {@link findChromium} looked, in order. */
export interface FindChromiumOptions {
  /** Playwright's own Chromium (from `npx playwright install chromium`), when known. */
  playwrightExecutable?: string
  env?: NodeJS.ProcessEnv
}

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/**
 * The Chromium to run tests with: `CHROMIUM_PATH`, then Playwright's own install, then the system's
 * (`/usr/bin/chromium`, …). Throws with the one command that installs one when there is none.
 *
 * @example
 * use: { launchOptions: { executablePath: findChromium({ playwrightExecutable: chromium.executablePath() }) } }
 */
export function findChromium(options: FindChromiumOptions = {}): string {
  const env = options.env ?? process.env
  const fromEnv = env.CHROMIUM_PATH
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv
    throw new MailwrightError(
      'NO_BROWSER',
      `CHROMIUM_PATH=${fromEnv} does not exist. Point it at a Chromium executable, or unset it to use Playwright's own or the system's.`,
    )
  }
  const candidates = [options.playwrightExecutable, ...SYSTEM_CHROMIUM].filter((c): c is string => Boolean(c))
  const found = candidates.find((c) => existsSync(c))
  if (found) return found
  throw new MailwrightError(
    'NO_BROWSER',
    `No Chromium found (looked at CHROMIUM_PATH, ${candidates.join(', ')}). Install one with \`npx playwright install chromium\` (or on Debian/Ubuntu \`apt-get install chromium\`), or set CHROMIUM_PATH.`,
  )
}

/** Flags for a headless Chromium in CI containers and closed networks. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

import {
  CHROMIUM_ARGS,
  CheckError,
  errorDetail,
  findChromium,
  type RenderEmailHtmlResult,
} from '@mailwright/core/internal'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

let browser: Promise<Browser> | undefined

/**
 * Opens an email's document (renderEmailHtml's) in this process's Chromium (launched on first use, headless;
 * `CHROMIUM_PATH` or the system's), with scripts blocked and every request refused, and runs `use` on the
 * page: one page per process, one check at a time, the document replaced for each.
 * Fails with a {@link CheckError} naming `checker` when Chromium cannot start, crashes, or `use` takes
 * longer than `timeout`.
 *
 * @example
 * const title = await emailPage('axe-core', renderEmailHtml(email), { width: 800, height: 600 }, 30_000, (page) => page.title())
 */
export async function emailPage<T>(
  checker: string,
  document: RenderEmailHtmlResult,
  viewport: { width: number; height: number },
  timeout: number,
  use: (page: Page) => Promise<T>,
): Promise<T> {
  // One page for the process, one check at a time on it: opening a page per check cost more than axe did.
  const turn = queue.then(() => onSharedPage(checker, document, viewport, timeout, use))
  queue = turn.catch(() => {})
  return turn
}

let queue: Promise<unknown> = Promise.resolve()
let shared: Promise<Page> | undefined

async function onSharedPage<T>(
  checker: string,
  document: RenderEmailHtmlResult,
  viewport: { width: number; height: number },
  timeout: number,
  use: (page: Page) => Promise<T>,
): Promise<T> {
  const running = await launched(checker)
  let timer: NodeJS.Timeout | undefined
  let page: Page | undefined
  try {
    if (!shared || (await shared).isClosed()) shared = context(running).then((made) => made.newPage())
    page = await shared
    await page.setViewportSize(viewport)
    const opened = page
    const work = (async () => {
      // The whole document is replaced: nothing of the previous email stays.
      await opened.setContent(withPolicy(document), { waitUntil: 'load', timeout })
      return use(opened)
    })()
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CheckError(
              checker,
              `${checker} did not finish within ${timeout} ms in Chromium. The email may be very large or the machine overloaded: raise the check's timeout or MAILWRIGHT_TIME_SCALE.`,
            ),
          ),
        timeout,
      )
    })
    return await Promise.race([work, timedOut])
  } catch (error) {
    // A page that failed or is still busy is not reused.
    shared = undefined
    await page?.close().catch(() => {})
    if (error instanceof CheckError) throw error
    throw new CheckError(checker, `${checker} failed in Chromium: ${errorDetail(error)}`, { cause: error })
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The document with its policy as its first element, right after the doctype (before it, the page would
 * render in quirks mode): no script of the email runs, nothing is fetched, no form is sent, while the
 * checker's script runs through the DevTools protocol, which the policy does not govern. renderEmailHtml has
 * made the email's own <meta> elements inert, so nothing in it can loosen the policy. (A meta policy ignores
 * `sandbox` and `frame-ancestors`, which are for the web UI's frame.)
 */
function withPolicy(document: RenderEmailHtmlResult): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${document.contentSecurityPolicy.replaceAll('"', '&quot;')}">`
  return /^<!doctype html>/i.test(document.html)
    ? document.html.replace(/^<!doctype html>/i, (doctype) => `${doctype}${meta}`)
    : `${meta}${document.html}`
}

const contexts = new WeakMap<Browser, Promise<BrowserContext>>()

function context(running: Browser): Promise<BrowserContext> {
  let made = contexts.get(running)
  if (!made) {
    made = (async () => {
      const created = await running.newContext({ javaScriptEnabled: true })
      // Nothing an email names is fetched: remote images, fonts, frames, prefetches.
      await created.route('**/*', (route) => route.abort('blockedbyclient'))
      return created
    })()
    contexts.set(running, made)
  }
  return made
}

function launched(checker: string): Promise<Browser> {
  if (!browser) {
    const starting = (async () => {
      let executablePath: string
      try {
        executablePath = findChromium({ playwrightExecutable: safely(() => chromium.executablePath()) })
      } catch (error) {
        throw new CheckError(checker, `${checker} needs a Chromium: ${errorDetail(error)}`, { cause: error })
      }
      const started = await chromium
        .launch({ executablePath, args: CHROMIUM_ARGS })
        .catch((error: unknown) => {
          throw new CheckError(
            checker,
            `Chromium (${executablePath}) did not start for ${checker}: ${errorDetail(error)}`,
            {
              cause: error,
            },
          )
        })
      // A browser that crashed is launched again on the next check.
      started.on('disconnected', () => {
        if (browser === starting) browser = undefined
      })
      return started
    })()
    browser = starting
    starting.catch(() => {
      if (browser === starting) browser = undefined
    })
  }
  return browser
}

function safely(get: () => string): string | undefined {
  try {
    return get()
  } catch {
    return undefined
  }
}

/** Closes the Chromium this process launched for checks (tests and benchmarks; exit closes it anyway). */
export async function closeCheckBrowser(): Promise<void> {
  const running = browser
  browser = undefined
  shared = undefined
  await (await running?.catch(() => undefined))?.close()
}

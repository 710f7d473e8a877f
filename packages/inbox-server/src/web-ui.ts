import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'

// Built by ui/build.ts into dist/ui; this file runs from dist/ (bundled) or src/ (tests), both beside it.
const UI_DIR = new URL('../dist/ui/', import.meta.url)

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
}

/**
 * The UI's own policy: only its bundled script and stylesheet run, it talks only to this API, and the one
 * thing it frames is an email preview (itself sandboxed, see renderEmailHtml).
 */
export const WEB_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

interface UiFile {
  body: Buffer
  etag: string
}
const files = new Map<string, UiFile | null>()

function load(name: string): UiFile | null {
  let file = files.get(name)
  if (file === undefined) {
    try {
      const body = readFileSync(new URL(name, UI_DIR))
      file = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }
    } catch {
      file = null
    }
    files.set(name, file)
  }
  return file
}

/**
 * Answers `GET /` and `/ui/<file>` with the web UI's static bundle (503 while it is not built). False when
 * the path names no file of the UI.
 * The files are read once and kept; a client revalidates them by ETag.
 */
export function serveWebUi(path: string, req: IncomingMessage, res: ServerResponse): boolean {
  const name = path === '/' ? 'index.html' : /^\/ui\/([\w.-]+)$/.exec(path)?.[1]
  const type = name !== undefined && Object.hasOwn(TYPES, name) ? TYPES[name] : undefined
  if (name === undefined || type === undefined) return false
  const file = load(name)
  if (!file) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(
      'The web UI is not built in this copy of @mailwright/inbox-server (dist/ui is missing): run `pnpm build` in the repository, or install the published package. The HTTP API under /api works without it.',
    )
    return true
  }
  res.setHeader('content-security-policy', WEB_UI_CSP)
  res.setHeader('cross-origin-opener-policy', 'same-origin')
  // The Links tab shows senders' links: Chromium would resolve their hosts ahead of a click on an http page.
  res.setHeader('x-dns-prefetch-control', 'off')
  res.setHeader('etag', file.etag)
  res.setHeader('cache-control', 'no-cache')
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304)
    res.end()
    return true
  }
  res.writeHead(200, { 'content-type': type, 'content-length': file.body.length })
  res.end(req.method === 'HEAD' ? undefined : file.body)
  return true
}

import type { CapturedEmail } from './captured-email.js'
import { declaresDarkStyles } from './declares-dark-styles.js'
import { escapeHtml } from './escape-html.js'

/** How the web UI previews an email's HTML (and the report renders it). */
export interface RenderEmailHtmlOptions {
  /** Let the email load images from the network (off by default: a remote image tells the sender it was read). */
  remoteImages?: boolean
  /** No images at all, not even inlined ones: the email as a client that blocks images shows it. */
  noImages?: boolean
  /**
   * `dark` renders the email as a dark-mode mail app would: its own dark styles on a dark canvas when it
   * declares some ({@link declaresDarkStyles}), else its colours inverted (images kept), as Gmail's and
   * Outlook's apps do.
   */
  scheme?: 'light' | 'dark'
  /**
   * With `scheme: 'dark'`, how: `auto` (above), `own` (its dark styles only, never inverted) or `inverted`
   * (always inverted, even when it declares dark styles: an app that forces dark mode).
   */
  dark?: 'auto' | 'own' | 'inverted'
}

/** A preview document and the policy it must be served with. */
export interface RenderEmailHtmlResult {
  html: string
  contentSecurityPolicy: string
}

// Image types a browser draws without running anything (no SVG: it is a document).
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'])
// Media queries that always and never match, for the scheme the preview shows and the other one.
const ON = '(min-width: 0px)'
const OFF = '(max-width: -1px)'
// What an inverting mail app turns back, so photos and logos keep their colours.
const INVERTED_MEDIA = 'img,picture,video,svg,[background],[style*="background-image"]'
// Past this many bytes of images (counted per use), `cid:` URLs are left unresolved: the preview stays a
// bounded document.
const MAX_INLINED_BYTES = 16 * 1024 * 1024

/**
 * The email's HTML as a document the web UI frames, with the Content-Security-Policy it must be served
 * with. The policy is what keeps captured markup inert: `sandbox` gives the document an opaque origin (it
 * can never act as the inbox's origin, even opened on its own), no script runs, nothing is fetched (no
 * stylesheets, fonts, frames, forms or pings; remote images only when asked), and only the UI may frame
 * it. `cid:` images are inlined as `data:` URLs, since the document cannot fetch from the inbox. `<link>` and
 * `<meta>` elements and `referrerpolicy`/`ping`/`attributionsrc` attributes are renamed to inert ones (see
 * neutralize). An email with no HTML is previewed as its plain text.
 *
 * @example
 * const { html, contentSecurityPolicy } = renderEmailHtml(email, { scheme: 'dark' })
 * res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy })
 * res.end(html)
 */
export function renderEmailHtml(
  email: CapturedEmail,
  options: RenderEmailHtmlOptions = {},
): RenderEmailHtmlResult {
  let html =
    email.html === undefined
      ? `<pre style="white-space:pre-wrap;font:13px/1.5 ui-monospace,monospace;margin:12px">${escapeHtml(email.text ?? '')}</pre>`
      : neutralize(options.noImages ? email.html : inlineCidImages(email.html, email))
  const dark = options.scheme === 'dark'
  let head = '<meta charset="utf-8"><base target="_blank">'
  const invert =
    dark && (options.dark === 'inverted' || (options.dark !== 'own' && !declaresDarkStyles(email.html ?? '')))
  if (email.html !== undefined && invert) {
    head += `<style>:root{color-scheme:light;background:#fff;filter:invert(1) hue-rotate(180deg)}${INVERTED_MEDIA}{filter:invert(1) hue-rotate(180deg)}</style>`
  } else {
    // The frame's own media query follows the browser (and the UI's theme), not the preview switch: the
    // email's styles for the scheme asked for are switched on, and the other's off, in its markup.
    if (email.html !== undefined)
      html = html
        .replace(/\(\s{0,20}prefers-color-scheme\s{0,20}:\s{0,20}dark\s{0,20}\)/gi, dark ? ON : OFF)
        .replace(/\(\s{0,20}prefers-color-scheme\s{0,20}:\s{0,20}light\s{0,20}\)/gi, dark ? OFF : ON)
    head += dark
      ? '<style>:root{color-scheme:dark;background:#121212;color:#e8e8e8}</style>'
      : '<style>:root{color-scheme:light;background:#fff}</style>'
  }
  const images = options.noImages ? "'none'" : options.remoteImages ? 'data: http: https:' : 'data:'
  return {
    // Ours first: the email's own <meta charset> comes too late to matter, and links open outside the frame.
    html: `<!doctype html>${head}${html}`,
    contentSecurityPolicy: [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      `img-src ${images}`,
      'font-src data:',
      "form-action 'none'",
      "base-uri 'none'",
      "frame-ancestors 'self'",
      // No allow-scripts, no allow-same-origin: links may open (in a new, unsandboxed tab), nothing else.
      'sandbox allow-popups allow-popups-to-escape-sandbox',
    ].join('; '),
  }
}

function inlineCidImages(html: string, email: CapturedEmail): string {
  const byCid = new Map<string, (typeof email.attachments)[number]>()
  for (const attachment of email.attachments) {
    if (attachment.cid && INLINE_IMAGE_TYPES.has(attachment.contentType.toLowerCase()))
      byCid.set(attachment.cid.toLowerCase(), attachment)
  }
  if (byCid.size === 0) return html
  let inlined = 0
  const dataUrls = new Map<string, string>()
  return html.replace(/cid:([^"'\s<>)]+)/gi, (whole, id: string) => {
    let key = id.toLowerCase()
    try {
      key = decodeURIComponent(key)
    } catch {}
    const attachment = byCid.get(key)
    if (!attachment) return whole
    // Every use is charged: one image named a thousand times is a thousand copies in the document.
    if (inlined + attachment.size > MAX_INLINED_BYTES) return whole
    inlined += attachment.size
    let url = dataUrls.get(key)
    if (url === undefined) {
      url = `data:${attachment.contentType.toLowerCase()};base64,${attachment.content().toString('base64')}`
      dataUrls.set(key, url)
    }
    return url
  })
}

// Elements and attributes that reach past the policy, renamed so the browser ignores them (a tag or
// attribute name is the one thing no markup trick can spell differently): Chromium fetches
// `<link rel=prefetch>` and resolves `dns-prefetch` whatever the policy says, and a `<meta name=referrer>`
// or a `referrerpolicy` attribute would send the preview's address to the sender.
function neutralize(html: string): string {
  return (
    html
      .replace(/<(link|meta)\b/gi, '<inert-$1')
      .replace(/([\s/"'])(referrerpolicy|ping|attributionsrc)(?=\s{0,20}=)/gi, '$1data-inert-$2')
      // A link's own target (`_self`, `_parent`, a name) would open the page in the frame, where the UI's
      // policy refuses it: every link opens in a new tab (the <base> ours), so targets go, inside tags only.
      .replace(/<[a-z][^<>]*>/gi, (tag) =>
        tag.replace(/([\s/"'])target(?=\s{0,20}=)/gi, '$1data-inert-target'),
      )
  )
}

import type { CapturedEmail } from './captured-email.js'
import { escapeHtml } from './escape-html.js'
import type { RenderEmailHtmlOptions } from './render-email-html.js'

/**
 * The renderings of an email's evidence, each a PNG in Chromium (approximations, not screenshots of real
 * clients): `desktop` (800 px, light), `mobile` (375 px), `dark` (its own `prefers-color-scheme` styles on a
 * dark canvas), `dark-inverted` (colours forced inverted, as Gmail's and Outlook's apps do to emails
 * without dark styles), `images-off` (as clients that block images show it).
 */
export type EmailRendering = 'desktop' | 'mobile' | 'dark' | 'dark-inverted' | 'images-off'

/** How each rendering is made: the viewport's width, how renderEmailHtml shows the email, and its label. */
export const EMAIL_RENDERINGS: Record<
  EmailRendering,
  { width: number; options: RenderEmailHtmlOptions & { scheme: 'light' | 'dark' }; label: string }
> = {
  desktop: { width: 800, options: { scheme: 'light' }, label: 'Desktop, 800 px, light' },
  mobile: { width: 375, options: { scheme: 'light' }, label: 'Mobile, 375 px, light' },
  dark: {
    width: 800,
    options: { scheme: 'dark', dark: 'own' },
    label: "Dark: the email's own prefers-color-scheme styles",
  },
  'dark-inverted': {
    width: 800,
    options: { scheme: 'dark', dark: 'inverted' },
    label: "Dark, colours forced inverted: an approximation of Gmail's and Outlook's apps",
  },
  'images-off': {
    width: 800,
    options: { scheme: 'light', noImages: true },
    label: 'Images off, as clients that block images show it',
  },
}

/** Every rendering, in the order the evidence lists them. */
export const ALL_EMAIL_RENDERINGS = Object.keys(EMAIL_RENDERINGS) as EmailRendering[]

/**
 * The rendered email under a strip of its headers, as one page to screenshot (text escaped, no scripts). The
 * strip is as wide as the picture (its text wraps), so no band of another colour shows beside a dark one.
 */
export function headerStrip(email: CapturedEmail, png: Buffer, rendering: string): string {
  const who = (a: { name?: string; address: string }) => (a.name ? `${a.name} <${a.address}>` : a.address)
  const rows: Array<[string, string]> = [
    ['From', email.from ? who(email.from) : '(none)'],
    ['To', email.to.map(who).join(', ') || '(none)'],
    ['Subject', email.subject || '(none)'],
    ['Date', (email.date ?? email.receivedAt).toISOString()],
    ['Rendering', `${rendering} (Chromium; not a screenshot of a real client)`],
  ]
  return `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#fff">
<div id="mailwright-evidence" style="display:inline-block;width:${Math.max(320, png.readUInt32BE(16))}px;font:13px/1.4 system-ui,sans-serif;color:#111">
<table style="border-collapse:collapse;background:#f3f4f6;width:100%;border-bottom:1px solid #d1d5db">
${rows.map(([k, v]) => `<tr><th style="text-align:left;padding:2px 8px;color:#555;font-weight:600;white-space:nowrap">${k}</th><td style="padding:2px 8px;overflow-wrap:anywhere">${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
<img alt="" style="display:block" src="data:image/png;base64,${png.toString('base64')}">
</div></body>`
}

// The extent of what an email draws, evaluated in the page (a string: this package has no DOM types).
export const CONTENT_BOX = `(() => {
  // What is visible: text, images and other replaced elements, and boxes with a background or a border.
  // A block element's box spans the page even when its text does not, so boxes alone would not crop.
  // The email's markup can shadow names on document and on forms (<img name="body">), so every DOM call
  // goes through the prototypes.
  const get = (proto, name, target) => Object.getOwnPropertyDescriptor(proto, name).get.call(target)
  const root = get(Document.prototype, 'body', document) || get(Document.prototype, 'documentElement', document)
  let right = 0, bottom = 0
  const add = (r) => { if (r.width > 0 && r.height > 0) { right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom + window.scrollY) } }
  const walker = Document.prototype.createTreeWalker.call(document, root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT)
  for (let node = root; node; node = TreeWalker.prototype.nextNode.call(walker)) {
    if (get(Node.prototype, 'nodeType', node) === 3) {
      if (!get(Node.prototype, 'textContent', node).trim()) continue
      const range = Document.prototype.createRange.call(document)
      Range.prototype.selectNodeContents.call(range, node)
      for (const r of Range.prototype.getClientRects.call(range)) add(r)
      continue
    }
    const style = window.getComputedStyle(node)
    const replaced = /^(IMG|SVG|CANVAS|VIDEO|INPUT|BUTTON|HR|IFRAME|OBJECT|SELECT|TEXTAREA)$/i.test(get(Element.prototype, 'tagName', node))
    const painted = style.backgroundImage !== 'none' || !['rgba(0, 0, 0, 0)', 'transparent'].includes(style.backgroundColor) ||
      ['Top', 'Right', 'Bottom', 'Left'].some((side) => parseFloat(style['border' + side + 'Width']) > 0 && style['border' + side + 'Style'] !== 'none')
    if ((replaced || painted) && node !== root) add(Element.prototype.getBoundingClientRect.call(node))
  }
  return { right, bottom }
})()`

import { createRequire } from 'node:module'
import type { Parser as HtmlParser } from 'htmlparser2'
import type { EmailLink } from './captured-email.js'

// Brackets belong only around an IPv6 host (RFC 3986 §3.2.2); elsewhere they end the URL (`[https://x]`).
const URL_IN_TEXT = /https?:\/\/(?:\[[0-9a-fA-F:.]{2,45}\])?[^\s<>"'`[\]]+/g
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/

/**
 * Every link of an email: `<a href>` anchors of the HTML part with their visible text, then URLs written
 * in the text part that no anchor already links to (mailparser derives the text from the HTML when there is
 * no text part, so those would only repeat the anchors). Duplicates are listed once.
 *
 * @example
 * extractLinks({ html: '<a href="https://x.test/v">Verify</a>' })
 * // [{ href: 'https://x.test/v', text: 'Verify', source: 'html' }]
 */
export function extractLinks(parts: { html?: string; text?: string }): EmailLink[] {
  const links: EmailLink[] = []
  const seen = new Set<string>()
  const add = (link: EmailLink) => {
    const key = `${link.source}\u0000${link.href}\u0000${link.text}`
    if (seen.has(key)) return
    seen.add(key)
    links.push(link)
  }
  if (parts.html) {
    let open: { href: string; text: string } | undefined
    const parser = new (htmlParser())(
      {
        onopentag(name, attributes) {
          if (name !== 'a') return
          if (open) add(finish(open))
          open = attributes.href === undefined ? undefined : { href: attributes.href.trim(), text: '' }
        },
        ontext(text) {
          if (open) open.text += text
        },
        onclosetag(name) {
          if (name === 'a' && open) {
            add(finish(open))
            open = undefined
          }
        },
      },
      { decodeEntities: true },
    )
    parser.write(parts.html)
    parser.end()
    if (open) add(finish(open))
  }
  if (parts.text) {
    // A set, not a scan of the list per URL: 100,000 links must stay linear.
    const anchored = new Set(links.map((l) => l.href))
    for (const match of parts.text.matchAll(URL_IN_TEXT)) {
      const href = match[0].replace(TRAILING_PUNCTUATION, '')
      if (anchored.has(href)) continue
      add({ href, text: href, source: 'text' })
    }
  }
  return links
}

function finish(open: { href: string; text: string }): EmailLink {
  return { href: open.href, text: open.text.replace(/\s+/g, ' ').trim(), source: 'html' }
}

// htmlparser2 is loaded the first time an HTML body is read, not when core is imported (start-up).
let parserClass: typeof HtmlParser | undefined
function htmlParser(): typeof HtmlParser {
  parserClass ??= (createRequire(import.meta.url)('htmlparser2') as { Parser: typeof HtmlParser }).Parser
  return parserClass
}

import { createRequire } from 'node:module'
import type { Parser as HtmlParser } from 'htmlparser2'

const BLOCKS = new Set([
  'p',
  'div',
  'br',
  'tr',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'td',
  'th',
])

/**
 * The visible text of an HTML body (script and style dropped, blocks on their own lines). Lighter than a
 * renderer: it serves searching (codes, `toContainText`), not display.
 *
 * @example
 * htmlToPlainText('<p>Your code is <b>482913</b></p>') // 'Your code is 482913'
 */
export function htmlToPlainText(html: string): string {
  let out = ''
  let hidden = 0
  const parser = new (htmlParser())(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style' || name === 'head') hidden += 1
        else if (BLOCKS.has(name)) out += '\n'
      },
      ontext(text) {
        if (hidden === 0) out += text
      },
      onclosetag(name) {
        if (name === 'script' || name === 'style' || name === 'head') hidden = Math.max(0, hidden - 1)
        else if (BLOCKS.has(name)) out += '\n'
      },
    },
    { decodeEntities: true },
  )
  parser.write(html)
  parser.end()
  return out
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n')
}

// htmlparser2 is loaded the first time an HTML body is read, not when core is imported (start-up).
let parserClass: typeof HtmlParser | undefined
function htmlParser(): typeof HtmlParser {
  parserClass ??= (createRequire(import.meta.url)('htmlparser2') as { Parser: typeof HtmlParser }).Parser
  return parserClass
}

/**
 * Text made safe to put inside HTML, in an element or a quoted attribute: `& < > " '` become character
 * references.
 *
 * @example
 * escapeHtml('<b>"hi"</b>') // '&#60;b&#62;&#34;hi&#34;&#60;/b&#62;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

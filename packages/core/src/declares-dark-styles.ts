// A declaration is `color-scheme` (CSS, or a meta's name) followed closely by a value naming dark; the
// value is looked for within this many characters, so the scan is linear in the email's size.
const NEAR = 120

/**
 * Whether an email's HTML says how it looks in dark mode (a `color-scheme` naming dark, or a
 * `prefers-color-scheme: dark` media query). Mail apps that honour it render its own dark styles; for the
 * rest, apps such as Gmail's and Outlook's invert its colours, and the preview does the same.
 *
 * @example
 * declaresDarkStyles('<meta name="color-scheme" content="light dark">') // true
 */
export function declaresDarkStyles(html: string): boolean {
  if (/prefers-color-scheme\s{0,20}:\s{0,20}dark/i.test(html)) return true
  const lower = html.toLowerCase()
  for (let at = lower.indexOf('color-scheme'); at >= 0; at = lower.indexOf('color-scheme', at + 1)) {
    const after = lower.slice(at + 'color-scheme'.length, at + 'color-scheme'.length + NEAR)
    // `color-scheme: light dark` in CSS, or `color-scheme(s)" content="light dark"` in a meta.
    if (/^s?["']?\s*(?::|content\s*=\s*["'])[^"';>]*\bdark\b/.test(after)) return true
  }
  return false
}

/**
 * Whether an email's HTML says how it looks in dark mode (a `color-scheme` naming dark, or a
 * `prefers-color-scheme: dark` media query). Mail apps that honour it render its own dark styles; for the
 * rest, apps such as Gmail's and Outlook's invert its colours, and the preview does the same.
 *
 * @example
 * declaresDarkStyles('<meta name="color-scheme" content="light dark">') // true
 */
export function declaresDarkStyles(html: string): boolean {
  return /prefers-color-scheme\s*:\s*dark|(?:supported-)?color-schemes?["']?\s*(?:content\s*=\s*["']|:)[^"';>]*\bdark\b/i.test(
    html,
  )
}

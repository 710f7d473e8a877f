/** How one-time codes are recognised. */
export interface CodeOptions {
  /** What a code looks like. Default: 4–8 digits, or 6–8 upper-case letters and digits mixed. */
  pattern?: RegExp
  /** Words that must stand near a code (case-insensitive). Default: code, OTP, passcode, PIN, verification, … */
  keywords?: string[]
}

export const DEFAULT_CODE_PATTERN = /\b(?:\d{4,8}|(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,8})\b/
export const DEFAULT_CODE_KEYWORDS = [
  'code',
  'otp',
  'one-time',
  'one time',
  'passcode',
  'password',
  'pin',
  'verification',
  'verify',
  'confirm',
  'token',
]

// A keyword this far before a code (or a little after it, for "482913 is your code") ties the two together.
const BEFORE = 80
const AFTER = 40
const URL = /https?:\/\/\S+/g

/**
 * One-time codes in a text: tokens matching `pattern` that stand near one of `keywords`, in order of
 * appearance, each once. URLs are ignored so that ids inside links are not taken for codes.
 *
 * @example
 * extractCodes('Your verification code is 482913.') // ['482913']
 * extractCodes('Order 2024-55', { pattern: /\b\d{2}\b/, keywords: ['order'] }) // ['55']
 */
export function extractCodes(text: string, options: CodeOptions = {}): string[] {
  const pattern = options.pattern ?? DEFAULT_CODE_PATTERN
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
  const keywords = (options.keywords ?? DEFAULT_CODE_KEYWORDS).map((k) => k.toLowerCase())
  const cleaned = text.replace(URL, (url) => ' '.repeat(url.length))
  const lower = cleaned.toLowerCase()
  const codes: string[] = []
  for (const match of cleaned.matchAll(global)) {
    const code = match[1] ?? match[0]
    if (!code || codes.includes(code)) continue
    const start = match.index
    const window = lower.slice(Math.max(0, start - BEFORE), start + match[0].length + AFTER)
    if (keywords.some((k) => window.includes(k))) codes.push(code)
  }
  return codes
}

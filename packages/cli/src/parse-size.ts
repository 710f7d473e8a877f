const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
}
const DURATIONS: Record<string, number> = { '': 1000, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `25MB` → 26214400; plain numbers are bytes. Undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const unit = match ? UNITS[(match[2] as string).toLowerCase()] : undefined
  return match && unit !== undefined ? Math.round(Number(match[1]) * unit) : undefined
}

/** `90s`, `15m`, `1h` → milliseconds; a plain number is seconds. Undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const unit = match ? DURATIONS[(match[2] as string).toLowerCase()] : undefined
  return match && unit !== undefined ? Math.round(Number(match[1]) * unit) : undefined
}

import { describe, expect, it } from 'vitest'
import { declaresDarkStyles } from './declares-dark-styles.js'

describe('declaresDarkStyles', () => {
  it('sees the ways an email says it has dark styles', () => {
    for (const html of [
      '<meta name="color-scheme" content="light dark">',
      "<meta name='supported-color-schemes' content='light dark'>",
      '<style>:root { color-scheme: light dark; }</style>',
      '<style>@media (prefers-color-scheme: dark) { body { background: #000 } }</style>',
      '<style>@media (PREFERS-COLOR-SCHEME:DARK){}</style>',
    ])
      expect([html, declaresDarkStyles(html)]).toEqual([html, true])
  })

  it('does not mistake light-only emails or text about dark mode for them', () => {
    for (const html of [
      '<p>plain</p>',
      '<meta name="color-scheme" content="light">',
      '<style>@media (prefers-color-scheme: light) {}</style>',
      '<p>Try our new dark mode!</p>',
    ])
      expect([html, declaresDarkStyles(html)]).toEqual([html, false])
  })

  it('finds a declaration after many that name no dark', () => {
    const html = `${'<p style="color-scheme: light">x</p>'.repeat(1000)}<style>:root{color-scheme:light dark}</style>`
    expect(declaresDarkStyles(html)).toBe(true)
    expect(declaresDarkStyles('color-scheme:'.repeat(1000))).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { parseEmail } from './parse-email.js'
import { renderEmailHtml } from './render-email-html.js'

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
)

// A multipart/related email: HTML and the parts its cid: URLs name.
function related(html: string, parts: Array<{ cid: string; type: string; body: Buffer }> = []): Buffer {
  const lines = [
    'From: a@example.com',
    'To: b@inbox.test',
    'Subject: preview',
    'MIME-Version: 1.0',
    'Content-Type: multipart/related; boundary="b"',
    '',
    '--b',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
  ]
  for (const part of parts) {
    lines.push(
      '--b',
      `Content-Type: ${part.type}`,
      'Content-Transfer-Encoding: base64',
      `Content-ID: <${part.cid}>`,
      '',
    )
    lines.push(part.body.toString('base64'))
  }
  lines.push('--b--', '')
  return Buffer.from(lines.join('\r\n'))
}

const parse = (raw: Buffer) =>
  parseEmail(raw, {
    id: '1',
    envelope: { mailFrom: 'a@example.com', rcptTo: ['b@inbox.test'] },
    receivedAt: new Date(),
  })

describe('renderEmailHtml', () => {
  it('is served under a policy that runs nothing, fetches nothing and keeps the document off our origin', async () => {
    const { contentSecurityPolicy } = renderEmailHtml(await parse(related('<p>x</p>')))
    const directives = contentSecurityPolicy.split('; ')
    expect(directives).toContain("default-src 'none'")
    expect(directives).toContain('img-src data:')
    expect(directives).toContain("form-action 'none'")
    expect(directives).toContain("frame-ancestors 'self'")
    const sandbox = directives.find((d) => d.startsWith('sandbox')) ?? ''
    expect(sandbox).not.toMatch(/allow-scripts|allow-same-origin|allow-forms|allow-top-navigation/)
    expect(contentSecurityPolicy).not.toMatch(/script-src|unsafe-eval/)
    const remote = renderEmailHtml(await parse(related('<p>x</p>')), { remoteImages: true })
    expect(remote.contentSecurityPolicy.split('; ')).toContain('img-src data: http: https:')
  })

  it('draws cid: images from the email as data: URLs, images only', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    const email = await parse(
      related(
        '<img src="cid:logo@x"><img src="CID:Logo@X"><img src="cid:vector@x"><img src="cid:missing@x">',
        [
          { cid: 'logo@x', type: 'image/png', body: PNG },
          { cid: 'vector@x', type: 'image/svg+xml', body: svg },
        ],
      ),
    )
    const { html } = renderEmailHtml(email)
    const dataUrl = `data:image/png;base64,${PNG.toString('base64')}`
    expect(html.split(dataUrl)).toHaveLength(3)
    expect(html).toContain('src="cid:vector@x"')
    expect(html).toContain('src="cid:missing@x"')
  })

  it('turns every <link> and <meta> into an inert element, however it is written', async () => {
    const { html } = renderEmailHtml(
      await parse(
        related(
          '<link rel=prefetch href=//x.test/a><LINK\nrel="dns-prefetch" href="//x.test"><Link/rel=preload><meta name="referrer" content="unsafe-url"><META http-equiv=refresh content="0;url=//x.test">',
        ),
      ),
    )
    expect(html).not.toMatch(/<link/i)
    expect(html.match(/<inert-link/gi)).toHaveLength(3)
    // Ours (charset) is the only <meta> left.
    expect(html.match(/<meta/gi)).toHaveLength(1)
    expect(html.match(/<inert-meta/gi)).toHaveLength(2)
  })

  it("takes away attributes that would send the preview's address or ping the sender", async () => {
    const { html } = renderEmailHtml(
      await parse(
        related(
          '<a href="https://x.test" referrerpolicy="unsafe-url" ping="https://x.test/p">a</a><img src="https://x.test/i.png"REFERRERPOLICY = origin><a/attributionsrc="https://x.test">b</a><p>referrerpolicy is a word</p>',
        ),
      ),
    )
    expect(html).not.toMatch(/[\s/"'](referrerpolicy|ping|attributionsrc)\s*=/i)
    expect(html).toContain('data-inert-referrerpolicy="unsafe-url"')
    expect(html).toContain('"data-inert-REFERRERPOLICY = origin')
    expect(html).toContain('referrerpolicy is a word')
  })

  it("opens every link in a new tab: a link's own target is taken away, inside tags only", async () => {
    const { html } = renderEmailHtml(
      await parse(
        related(
          '<a href="https://x.test" target="_self">a</a><a target=_parent href=y>b</a><p>our target = 5</p>',
        ),
      ),
    )
    expect(html).toContain('<base target="_blank">')
    expect(html).toContain('<a href="https://x.test" data-inert-target="_self">')
    expect(html).toContain('<a data-inert-target=_parent href=y>')
    expect(html).toContain('our target = 5')
  })

  it('bounds the inlined images by every use, not every image', async () => {
    const png = Buffer.concat([PNG, Buffer.alloc(600_000, 1)])
    const email = await parse(
      related('<img src="cid:a@x">'.repeat(40), [{ cid: 'a@x', type: 'image/png', body: png }]),
    )
    const { html } = renderEmailHtml(email)
    expect(html.length).toBeLessThan(24 * 1024 * 1024)
    expect(html).toContain('src="cid:a@x"')
    expect(html).toContain('data:image/png;base64,')
  })

  it("switches on the email's own dark styles for the dark preview", async () => {
    const source =
      '<style>@media (prefers-color-scheme: dark) { body { color: white } } @media (prefers-color-scheme:light){ body { color: black } }</style>'
    // The frame follows the browser's scheme, not the switch: light is spelled out too.
    const light = renderEmailHtml(await parse(related(source)))
    expect(light.html).toContain('@media (max-width: -1px) { body { color: white } }')
    expect(light.html).toContain('@media (min-width: 0px){ body { color: black } }')
    const dark = renderEmailHtml(await parse(related(source)), { scheme: 'dark' })
    expect(dark.html).toContain('@media (min-width: 0px) { body { color: white } }')
    expect(dark.html).toContain('@media (max-width: -1px){ body { color: black } }')
    expect(dark.html).toContain('color-scheme:dark')
    expect(dark.html).not.toContain('invert(')
  })

  it('inverts an email that declares no dark styles, as dark-mode mail apps do, and keeps its images', async () => {
    const { html } = renderEmailHtml(await parse(related('<p style="color:#111">plain</p>')), {
      scheme: 'dark',
    })
    expect(html).toMatch(/:root\{[^}]*filter:invert\(1\) hue-rotate\(180deg\)/)
    expect(html).toMatch(/img,picture,video[^{]*\{filter:invert\(1\)/)
    const light = renderEmailHtml(await parse(related('<p style="color:#111">plain</p>')))
    expect(light.html).not.toContain('invert(')
  })

  it('forces inversion or only the own dark styles when asked, and shows no image at all with noImages', async () => {
    const source =
      '<style>@media (prefers-color-scheme: dark) { body { color: white } }</style><img src="cid:logo">'
    const email = await parse(related(source, [{ cid: 'logo', type: 'image/png', body: PNG }]))
    const forced = renderEmailHtml(email, { scheme: 'dark', dark: 'inverted' })
    expect(forced.html).toMatch(/:root\{[^}]*filter:invert\(1\)/)
    const own = renderEmailHtml(await parse(related('<p>plain</p>')), { scheme: 'dark', dark: 'own' })
    expect(own.html).not.toContain('invert(')
    const blocked = renderEmailHtml(email, { noImages: true })
    expect(blocked.html).toContain('src="cid:logo"')
    expect(blocked.contentSecurityPolicy).toContain("img-src 'none'")
  })

  it('previews an email without HTML as its escaped text', async () => {
    const raw = Buffer.from('From: a@example.com\r\nSubject: t\r\n\r\n<script>alert(1)</script> & more\r\n')
    const { html } = renderEmailHtml(await parse(raw))
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; more')
    expect(html).not.toContain('<script>')
  })
})

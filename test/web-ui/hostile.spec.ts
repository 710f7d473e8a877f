import { randomUUID } from 'node:crypto'
import type { Frame, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

// Every way an email's markup may try to run code or reach the network, each naming itself in its URL.
function hostileHtml(r: string): string {
  return `<html><head>
<meta http-equiv="refresh" content="0;url=${r}/meta-refresh">
<link rel="stylesheet" href="${r}/link-stylesheet">
<link rel="prefetch" href="${r}/link-prefetch">
<link rel="preload" as="image" href="${r}/link-preload">
<link rel="dns-prefetch" href="${r}/dns-prefetch">
<link rel="modulepreload" href="${r}/link-modulepreload">
<meta name="referrer" content="unsafe-url">
<base href="${r}/base/">
<style>
@import url("${r}/css-import");
@font-face { font-family: evil; src: url(${r}/css-font) }
body { background: url(${r}/css-background); font-family: evil }
p { background-image: image-set("${r}/css-image-set" 1x) }
.escape { position: fixed; inset: -100vh -100vw; z-index: 2147483647; background: rgba(255,0,0,.5) }
</style>
<script>window.mwRan = 1; fetch('${r}/script-fetch'); parent.document.title = 'pwned'; top.location = '${r}/script-top'</script>
</head>
<body onload="window.mwOnload = 1; fetch('${r}/body-onload')">
<div class="escape">covering everything</div>
<p id="content">Hostile content</p>
<img src="${r}/img" alt="remote image" referrerpolicy="unsafe-url">
<img srcset="${r}/img-srcset 1x" alt="srcset image">
<picture><source srcset="${r}/picture-source"><img src="data:," alt="picture"></picture>
<img src="relative.png" alt="relative image">
<img src="data:," onerror="window.mwOnerror = 1; new Image().src = '${r}/img-onerror'" alt="">
<svg><script>fetch('${r}/svg-script')</script><image href="${r}/svg-image"/></svg>
<iframe src="${r}/iframe"></iframe>
<object data="${r}/object"></object>
<embed src="${r}/embed">
<video poster="${r}/video-poster" src="${r}/video"></video>
<audio src="${r}/audio" autoplay></audio>
<form action="${r}/form" method="post"><input name="q" value="1"><button id="submit">Send the form</button></form>
<a id="js" href="javascript:fetch('${r}/javascript-url')">javascript link</a>
<a id="self" href="${r}/self-link" target="_self">a link that wants the frame</a>
<a id="link" href="${r}/clicked-link" ping="${r}/ping" rel="opener" referrerpolicy="unsafe-url">a plain link</a>
<table background="${r}/table-background"><tr><td>cell</td></tr></table>
<input type="image" src="${r}/input-image" alt="image button">
</body></html>`
}

async function previewFrame(page: Page): Promise<Frame> {
  const iframe = page.locator('iframe')
  await iframe.waitFor()
  const frame = await (await iframe.elementHandle())?.contentFrame()
  if (!frame) throw new Error('the preview frame has no document')
  await frame.waitForLoadState('load')
  return frame
}

test('an email with hostile HTML renders without running anything or fetching remote content', async ({
  openUi,
  send,
  inbox,
  remote,
}) => {
  const token = randomUUID()
  const r = `${remote.origin}/${token}`
  const mine = () =>
    remote.hits.filter((hit) => hit.startsWith(`/${token}/`)).map((hit) => hit.slice(token.length + 2))
  await send({
    subject: 'Hostile <img src=x onerror=alert(1)>',
    html: hostileHtml(r),
    text: '<script>alert("text part")</script>',
  })
  const email = await inbox.waitForEmail()
  const page = await openUi(`#/emails/${email.id}`)
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })

  // The subject is text, in the list and the heading.
  await expect(page.getByRole('heading', { name: 'Hostile <img src=x onerror=alert(1)>' })).toBeVisible()
  const frame = await previewFrame(page)
  await expect(frame.locator('#content')).toHaveText('Hostile content')

  // Nothing ran: not the script, not the handlers; the document has an opaque origin, not the inbox's.
  expect(
    await frame.evaluate(() => [
      window.origin,
      'mwRan' in window,
      'mwOnload' in window,
      'mwOnerror' in window,
    ]),
  ).toEqual(['null', false, false, false])
  // The tab's title is the subject, as text; the email's script did not set it.
  await expect(page).toHaveTitle('Hostile <img src=x onerror=alert(1)> · Mailwright inbox')
  expect(page.url()).toContain(`#/emails/${email.id}`)

  // The overlay stays inside the frame: the UI's own buttons are not covered.
  await page.getByRole('article').getByRole('button', { name: 'Delete' }).click({ trial: true })
  await page.getByRole('tab', { name: 'Text' }).click({ trial: true })

  // Forms and javascript: links do nothing when clicked (the overlay, which covers them too, taken away).
  await frame.evaluate(() => document.querySelector('.escape')?.remove())
  await frame.locator('#submit').click()
  await frame.locator('#js').click()

  // Nothing reached the network while the document loaded (its load event waits for images and styles).
  expect(mine()).toEqual([])

  // The control: remote images load once asked, so the hits above would have been seen.
  await expect(page.getByText('Remote images are blocked.')).toBeVisible()
  await page.getByRole('button', { name: 'Load remote images' }).click()
  await expect.poll(mine).toContain('img')
  const loaded = await previewFrame(page)
  await expect(loaded.locator('#content')).toHaveText('Hostile content')
  await loaded.evaluate(() => document.querySelector('.escape')?.remove())

  // A link opens outside the sandbox, in a tab of its own; its ping is not sent.
  const popup = page.waitForEvent('popup')
  await loaded.locator('#link').click()
  await (await popup).waitForLoadState()
  await expect.poll(mine).toContain('clicked-link')
  // One that asks for the frame itself opens in a tab too: the preview stays.
  const selfPopup = page.waitForEvent('popup')
  await loaded.locator('#self').click()
  await (await selfPopup).waitForLoadState()
  await expect.poll(mine).toContain('self-link')
  await expect(loaded.locator('#content')).toHaveText('Hostile content')

  // Images only (the ones the email names, as images), and the link that was clicked: nothing else.
  const allowed = new Set([
    'img',
    'img-srcset',
    'picture-source',
    'css-background',
    'css-image-set',
    'table-background',
    'video-poster',
    'svg-image',
    'input-image',
    'clicked-link',
    'self-link',
  ])
  expect(mine().filter((hit) => !allowed.has(hit))).toEqual([])
  expect(mine()).not.toContain('script-fetch')
  // No request told the sender where the preview is (the email asked for unsafe-url three ways).
  expect(remote.referrers.filter((r) => r.startsWith(`/${token}/`))).toEqual([])
  // The page the link opened cannot reach back into the UI (rel=opener asked for it).
  expect(await (await popup).evaluate(() => window.opener === null)).toBe(true)
  expect(dialogs).toEqual([])

  // The text part is shown as text.
  await page.getByRole('tab', { name: 'Text' }).click()
  await expect(page.getByRole('tabpanel')).toHaveText('<script>alert("text part")</script>')
})

test('the preview opened on its own is still inert, and the UI itself runs under a strict CSP', async ({
  page,
  send,
  inbox,
  remote,
  server,
}) => {
  const token = randomUUID()
  await send({ subject: 'Opened directly', html: hostileHtml(`${remote.origin}/${token}`) })
  const email = await inbox.waitForEmail()
  const response = await page.goto(`${server.url}/api/emails/${email.id}/html`)
  const policy = response?.headers()['content-security-policy'] ?? ''
  expect(policy).toContain("default-src 'none'")
  expect(policy).toMatch(/(^|; )sandbox allow-popups allow-popups-to-escape-sandbox($|;)/)
  await expect(page.locator('#content')).toHaveText('Hostile content')
  expect(await page.evaluate(() => [window.origin, 'mwRan' in window, 'mwOnload' in window])).toEqual([
    'null',
    false,
    false,
  ])
  expect(remote.hits.filter((hit) => hit.startsWith(`/${token}/`))).toEqual([])

  const ui = await fetch(`${server.url}/`)
  const uiPolicy = ui.headers.get('content-security-policy') ?? ''
  for (const directive of [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
  ])
    expect(uiPolicy).toContain(directive)
  expect(uiPolicy).not.toContain('unsafe')
})

test('an HTML attachment downloads instead of opening on the inbox origin', async ({
  openUi,
  send,
  inbox,
  server,
}) => {
  await send({
    subject: 'With an HTML file',
    text: 'see attached',
    attachments: [{ filename: 'page.html', content: '<script>alert(1)</script>', contentType: 'text/html' }],
  })
  const email = await inbox.waitForEmail()
  const page = await openUi(`#/emails/${email.id}`)
  await page.getByRole('tab', { name: 'Attachments (1)' }).click()
  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'page.html' }).click()
  expect((await download).suggestedFilename()).toBe('page.html')
  const response = await fetch(`${server.url}/api/emails/${email.id}/attachments/0`)
  expect(response.headers.get('content-type')).toBe('application/octet-stream')
  expect(response.headers.get('content-disposition')).toMatch(/^attachment;/)
})

test('says when a subject or file name reads in another order than it is written, and quotes look-alike names', async ({
  openUi,
  send,
  inbox,
}) => {
  await send({
    from: { name: 'support@bank.example', address: 'x@evil.test' },
    subject: 'Your invoice \u202Efdp.exe',
    text: 'see attached',
  })
  const email = await inbox.waitForEmail()
  const page = await openUi(`#/emails/${email.id}`)
  const warnings = page.getByRole('note', { name: 'Warnings' })
  await expect(warnings).toContainText('holds invisible text-direction controls')
  await expect(warnings).toContainText('\\u202e')
  await expect(page.getByRole('definition').filter({ hasText: 'x@evil.test' }).first()).toHaveText(
    '"support@bank.example" <x@evil.test>',
  )
})

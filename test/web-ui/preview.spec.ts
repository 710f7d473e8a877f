import { expect, test } from './fixtures.ts'

// A 1×1 red PNG.
const RED_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
)

test('previews an email at desktop and mobile width, light and dark, with its cid: images', async ({
  openUi,
  send,
  inbox,
}) => {
  await send({
    subject: 'Newsletter',
    html: `<html><head><style>
      body { background: rgb(255, 255, 255); color: rgb(0, 0, 0) }
      @media (prefers-color-scheme: dark) { body { background: rgb(1, 2, 3); color: rgb(250, 250, 250) } }
    </style></head><body><h1 id="title">Spring news</h1><img id="logo" src="cid:logo@news" alt="logo"></body></html>`,
    attachments: [{ filename: 'logo.png', content: RED_PNG, cid: 'logo@news' }],
  })
  const email = await inbox.waitForEmail()
  const page = await openUi(`#/emails/${email.id}`)
  const preview = page.frameLocator('iframe')
  await expect(preview.locator('#title')).toHaveText('Spring news')
  // The cid: image is drawn from the email itself (a data: URL: the preview fetches nothing).
  await expect(preview.locator('#logo')).toHaveJSProperty('naturalWidth', 1)
  await expect(preview.locator('#logo')).toHaveAttribute('src', /^data:image\/png;base64,/)
  await expect(preview.locator('body')).toHaveCSS('background-color', 'rgb(255, 255, 255)')

  await page.getByRole('button', { name: 'Dark' }).click()
  await expect(page.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true')
  await expect(preview.locator('body')).toHaveCSS('background-color', 'rgb(1, 2, 3)')

  const frame = page.locator('iframe')
  const desktop = (await frame.boundingBox())?.width ?? 0
  await page.getByRole('button', { name: 'Mobile' }).click()
  await expect.poll(async () => (await frame.boundingBox())?.width).toBeLessThanOrEqual(375)
  expect(desktop).toBeGreaterThan(375)
  await expect(preview.locator('body')).toHaveCSS('background-color', 'rgb(1, 2, 3)')

  // The choice stays while the tabs change, and for the next email.
  await page.getByRole('tab', { name: 'Text' }).click()
  await page.getByRole('tab', { name: 'Preview' }).click()
  await expect(page.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByRole('button', { name: 'Mobile' })).toHaveAttribute('aria-pressed', 'true')
  await page.reload()
  await expect(page.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true')
  await page.getByRole('button', { name: 'Light' }).click()
  await page.getByRole('button', { name: 'Desktop' }).click()
})

test('previews an email with no dark styles inverted in dark mode, its images kept', async ({
  openUi,
  send,
  inbox,
}) => {
  await send({
    subject: 'Light only',
    html: '<p id="text" style="color:rgb(17,17,17)">Light only</p><img id="logo" src="cid:logo@x" alt="logo">',
    attachments: [{ filename: 'logo.png', content: RED_PNG, cid: 'logo@x' }],
  })
  const email = await inbox.waitForEmail()
  const page = await openUi(`#/emails/${email.id}`)
  await page.getByRole('button', { name: 'Dark' }).click()
  await expect(page.getByText('No dark styles declared: inverted')).toBeVisible()
  const preview = page.frameLocator('iframe')
  await expect(preview.locator(':root')).toHaveCSS('filter', 'invert(1) hue-rotate(180deg)')
  await expect(preview.locator('#logo')).toHaveCSS('filter', 'invert(1) hue-rotate(180deg)')
  await page.getByRole('button', { name: 'Light' }).click()
  await expect(preview.locator(':root')).toHaveCSS('filter', 'none')
})

test('previews an email without HTML as its text', async ({ openUi, send, inbox }) => {
  await send({ subject: 'Plain only', text: 'Just <text>, nothing else' })
  const email = await inbox.waitForEmail()
  const page = await openUi(`#/emails/${email.id}`)
  await expect(page.getByText('No HTML part: showing the text.')).toBeVisible()
  await expect(page.frameLocator('iframe').locator('pre')).toHaveText('Just <text>, nothing else')
})

test('switches the UI between light and dark themes and remembers the choice', async ({ openUi, page }) => {
  await page.emulateMedia({ colorScheme: 'light' })
  await openUi()
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  expect(await background()).toBe('rgb(255, 255, 255)')
  await page.getByLabel('Theme').selectOption('dark')
  await expect.poll(background).toBe('rgb(17, 19, 24)')
  await page.reload()
  await expect(page.getByLabel('Theme')).toHaveValue('dark')
  await expect.poll(background).toBe('rgb(17, 19, 24)')
  await page.getByLabel('Theme').selectOption('system')
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect.poll(background).toBe('rgb(17, 19, 24)')
})

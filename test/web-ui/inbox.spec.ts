import { computeEmailAuth } from '@mailwright/core/plugin'
import { startInboxServer } from '@mailwright/inbox-server'
import type { Page } from '@playwright/test'
import nodemailer from 'nodemailer'
import { expect, test } from './fixtures.ts'

// The email list (the theme menu has options too).
const rows = (page: Page) => page.getByRole('listbox', { name: /^Emails/ })

test.describe('the inbox list', () => {
  test('shows new mail as it arrives, without a reload, under its inbox', async ({ openUi, send, inbox }) => {
    const page = await openUi()
    const inboxLink = page
      .getByRole('navigation', { name: 'Inboxes' })
      .getByRole('link', { name: inbox.address })
    await expect(inboxLink).toHaveCount(0)
    await send({ subject: 'Welcome aboard', text: 'Hello' })
    await expect(rows(page).getByRole('option', { name: /Welcome aboard/ })).toBeVisible()
    await expect(inboxLink).toContainText('1')
    await send({ subject: 'Second one', text: 'Hello again' })
    await expect(inboxLink).toContainText('2')
    // The newest is on top.
    const options = rows(page).getByRole('option')
    await expect(options.first()).toContainText('Second one')

    await inboxLink.click()
    await expect(page).toHaveURL(new RegExp(`#/inboxes/${encodeURIComponent(inbox.address)}$`))
    await expect(
      page.getByRole('listbox', { name: `Emails to ${inbox.address}` }).getByRole('option'),
    ).toHaveCount(2)
  })

  test('filters a long list of inboxes by any part of their address', async ({
    openUi,
    send,
    inbox,
    server,
  }) => {
    const team = Array.from({ length: 14 }, (_, n) => server.createAddress(`team-${n}`))
    await send({ to: [inbox.address, ...team], subject: 'To the whole team', text: 'x' })
    await inbox.waitForEmail()
    const page = await openUi()
    const nav = page.getByRole('navigation', { name: 'Inboxes' })
    await expect(nav.getByRole('link', { name: team[13] as string })).toBeVisible()
    await nav.getByRole('searchbox', { name: 'Filter inboxes' }).fill(team[13] as string)
    await expect(nav.getByRole('link')).toHaveCount(2)
    await expect(nav.getByRole('link', { name: team[13] as string })).toBeVisible()
    await nav.getByRole('link', { name: team[13] as string }).click()
    await expect(rows(page).getByRole('option', { name: /To the whole team/ })).toBeVisible()
  })

  test('opens an email from its link, as failure messages print it', async ({
    openUi,
    send,
    inbox,
    server,
  }) => {
    await send({ subject: 'Deep link target', text: 'Open me from a link' })
    const email = await inbox.waitForEmail({ subject: 'Deep link target' })
    const page = await openUi(`#/emails/${email.id}`)
    await expect(page.getByRole('heading', { name: 'Deep link target' })).toBeVisible()
    await expect(rows(page).getByRole('option', { name: /Deep link target/ })).toHaveAttribute(
      'aria-selected',
      'true',
    )
    // The capture's own hop: the SMTP session as it saw it.
    await expect(page.getByRole('definition').filter({ hasText: /^from / })).toHaveText(
      /^from app\.example \[127\.0\.0\.1\] · no TLS · no AUTH$/,
    )
    await page.getByRole('tab', { name: 'Text' }).click()
    await expect(page.getByRole('tabpanel')).toContainText('Open me from a link')

    await page.goto(`${server.url}/#/emails/no-such-id`)
    await expect(page.getByRole('alert')).toContainText('No email with id "no-such-id"')
    // From a deep link the focus is nowhere in particular: the list's keys still work.
    await page.goto(`${server.url}/#/emails/${email.id}`)
    await expect(page.getByRole('heading', { name: 'Deep link target' })).toBeVisible()
    await page.keyboard.press('Home')
    await expect(rows(page)).toBeFocused()
    // A link cut short mid-escape opens the inbox, not a blank page.
    await page.goto(`${server.url}/#/emails/%E0%A4`)
    await expect(page.getByRole('searchbox', { name: 'Search emails' })).toBeVisible()
    await expect(page.getByText('Select an email.')).toBeVisible()
  })

  test('searches with the EmailQuery fields and says what is wrong with a search', async ({
    openUi,
    send,
    inbox,
  }) => {
    await send({ subject: 'Invoice 1043', text: 'Amount due: 12 EUR' })
    await send({ subject: 'Password reset', text: 'Your code is 482913' })
    await inbox.waitForEmails(2)
    const page = await openUi()
    const search = page.getByRole('searchbox', { name: 'Search emails' })
    const options = rows(page).getByRole('option')

    await search.fill(`to:${inbox.address} subject:invoice`)
    await expect(options).toHaveCount(1)
    await expect(options.first()).toContainText('Invoice 1043')

    await search.fill(`to:${inbox.address} text:/code is \\d{6}/`)
    await expect(options).toHaveCount(1)
    await expect(options.first()).toContainText('Password reset')

    await search.fill(`to:${inbox.address} since:1h reset`)
    await expect(options).toHaveCount(1)
    // The search is in the address: it survives a reload, and opening an email keeps it.
    await page.reload()
    await expect(search).toHaveValue(`to:${inbox.address} since:1h reset`)
    await expect(options).toHaveCount(1)
    await options.first().click()
    await expect(page).toHaveURL(/#\/emails\/[^?]+\?q=/)
    await expect(search).toHaveValue(`to:${inbox.address} since:1h reset`)

    // Under a search, new mail that matches still arrives live.
    await search.fill(`to:${inbox.address} subject:/^Invoice/`)
    await expect(options).toHaveCount(1)
    await send({ subject: 'Invoice 1044', text: 'Another' })
    await expect(options).toHaveCount(2)

    await search.fill(`to:${inbox.address} subject:"no such subject"`)
    await expect(page.getByText('No email matches this search.')).toBeVisible()

    await search.fill('fromm:alice')
    await expect(page.getByRole('alert')).toContainText('Unknown search field "fromm:"')
    await expect(search).toHaveAttribute('aria-invalid', 'true')
    await search.press('Escape')
    await expect(search).toHaveValue('')
  })

  test('deletes one email, and clears an inbox', async ({ openUi, send, inbox }) => {
    for (const n of [1, 2, 3]) await send({ subject: `Disposable ${n}`, text: 'x' })
    await inbox.waitForEmails(3)
    const page = await openUi(`#/inboxes/${encodeURIComponent(inbox.address)}`)
    const options = rows(page).getByRole('option')
    await expect(options).toHaveCount(3)

    await rows(page)
      .getByRole('option', { name: /Disposable 2/ })
      .click()
    await page.getByRole('article').getByRole('button', { name: 'Delete' }).click()
    await expect(options).toHaveCount(2)
    await expect(rows(page).getByRole('option', { name: /Disposable 2/ })).toHaveCount(0)
    expect((await inbox.emails()).map((e) => e.subject).sort()).toEqual(['Disposable 1', 'Disposable 3'])

    // Clearing deletes all of the inbox, so it waits for the search box to be empty.
    const search = page.getByRole('searchbox', { name: 'Search emails' })
    await search.fill('Disposable 1')
    await expect(options).toHaveCount(1)
    await expect(page.getByRole('button', { name: 'Clear inbox' })).toBeDisabled()
    await search.fill('')
    await expect(options).toHaveCount(2)
    await page.getByRole('button', { name: 'Clear inbox' }).click()
    await page.getByRole('button', { name: 'Delete all 2 email(s)' }).click()
    await expect(page.getByText(`No emails to ${inbox.address} (yet)`)).toBeVisible()
    expect(await inbox.emails()).toEqual([])
  })

  test('follows deletions made elsewhere (another tab, a test, retention)', async ({
    openUi,
    send,
    inbox,
    server,
  }) => {
    await send({ subject: 'Deleted from elsewhere', text: 'x' })
    const email = await inbox.waitForEmail()
    const page = await openUi(`#/emails/${email.id}`)
    await expect(page.getByRole('heading', { name: 'Deleted from elsewhere' })).toBeVisible()
    const response = await fetch(`${server.url}/api/emails/${email.id}`, { method: 'DELETE' })
    expect(response.status).toBe(204)
    await expect(rows(page).getByRole('option', { name: /Deleted from elsewhere/ })).toHaveCount(0)
    // The open email stays on screen, and says it is gone.
    await expect(page.getByRole('alert')).toContainText('This email was deleted')
    await expect(page.getByRole('heading', { name: 'Deleted from elsewhere' })).toBeVisible()
  })

  test('is driven by the keyboard: / searches, arrows and j/k move, Delete deletes', async ({
    openUi,
    send,
    inbox,
  }) => {
    for (const n of [1, 2, 3]) await send({ subject: `Key ${n}`, text: 'x' })
    await inbox.waitForEmails(3)
    const page = await openUi(`#/inboxes/${encodeURIComponent(inbox.address)}`)
    await expect(rows(page).getByRole('option')).toHaveCount(3)

    await page.keyboard.press('/')
    await expect(page.getByRole('searchbox', { name: 'Search emails' })).toBeFocused()
    await page.keyboard.press('Tab')

    const list = page.getByRole('listbox')
    await list.focus()
    await page.keyboard.press('j')
    await expect(page.getByRole('heading', { name: 'Key 3' })).toBeVisible()
    await page.keyboard.press('ArrowDown')
    await expect(page.getByRole('heading', { name: 'Key 2' })).toBeVisible()
    await expect(list).toHaveAttribute('aria-activedescendant', /^email-/)
    await page.keyboard.press('End')
    await expect(page.getByRole('heading', { name: 'Key 1' })).toBeVisible()
    await page.keyboard.press('k')
    await expect(page.getByRole('heading', { name: 'Key 2' })).toBeVisible()
    await page.keyboard.press('Delete')
    await expect(rows(page).getByRole('option')).toHaveCount(2)
    await expect(rows(page).getByRole('option', { name: /Key 2/ })).toHaveCount(0)

    // The email's tabs move with the arrow keys.
    await page.getByRole('tab', { name: 'Preview' }).focus()
    await page.keyboard.press('ArrowRight')
    await expect(page.getByRole('tab', { name: 'Text' })).toBeFocused()
    await expect(page.getByRole('tab', { name: 'Text' })).toHaveAttribute('aria-selected', 'true')
  })

  test('keeps a long list small in the page and still reaches every email', async ({
    openUi,
    server,
    inbox,
  }) => {
    test.slow()
    const total = 1500
    const nodemailer = (await import('nodemailer')).default
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtp.port,
      ignoreTLS: true,
      pool: true,
      maxConnections: 4,
      maxMessages: Number.POSITIVE_INFINITY,
    })
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        transport.sendMail({ from: 'bulk@example.com', to: inbox.address, subject: `Bulk ${i}`, text: 'x' }),
      ),
    )
    transport.close()
    const page = await openUi(`#/inboxes/${encodeURIComponent(inbox.address)}`)
    const list = page.getByRole('listbox')
    await expect(list.getByRole('option').first()).toHaveAttribute('aria-setsize', String(total))
    // Only the rows in view are in the DOM.
    expect(await list.getByRole('option').count()).toBeLessThan(50)
    await list.focus()
    await page.keyboard.press('End')
    await expect(page.getByRole('heading', { name: 'Bulk 0', exact: true })).toBeVisible()
    await expect(list.getByRole('option', { name: /Bulk 0\b/ })).toBeInViewport()
    expect(await list.getByRole('option').count()).toBeLessThan(50)
  })
})

test('follows the next server on the same port after one stops (a run ended, the next began)', async ({
  page,
}) => {
  const first = await startInboxServer()
  const port = Number(new URL(first.url as string).port)
  const before = first.createInbox({ name: 'before' })
  const address = before.address
  try {
    const sender = nodemailer.createTransport({ host: '127.0.0.1', port: first.smtp.port, ignoreTLS: true })
    await sender.sendMail({ from: 'a@example.com', to: address, subject: 'Before the restart', text: 'x' })
    sender.close()
    const email = await before.waitForEmail()
    await page.goto(`${first.url}/#/emails/${email.id}`)
    await expect(page.getByRole('heading', { name: 'Before the restart' })).toBeVisible()
  } finally {
    await first.stop()
  }
  await expect(page.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible()
  await using second = await startInboxServer({ httpPort: port })
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible()
  // The open email is read again from the new server, which never had it.
  await expect(page.getByRole('alert')).toContainText('No email with id')
  const inbox = second.createInbox({ name: 'after' })
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: second.smtp.port, ignoreTLS: true })
  await transport.sendMail({
    from: 'a@example.com',
    to: inbox.address,
    subject: 'After the restart',
    text: 'x',
  })
  transport.close()
  await expect(rows(page).getByRole('option', { name: /After the restart/ })).toBeVisible()
  expect(address).not.toBe(inbox.address)
})

test.describe('an email', () => {
  test('shows the verdicts computeEmailAuth makes, with the reason for each', async ({
    openUi,
    send,
    inbox,
    profile,
  }) => {
    await send({ subject: 'Signed and aligned', text: 'ok', sign: true })
    await send({
      from: 'ceo@spoofed.test',
      envelope: { from: 'ceo@spoofed.test', to: [inbox.address] },
      subject: 'Spoofed',
      text: 'pay now',
    })
    const [signed, spoofed] = await Promise.all([
      inbox.waitForEmail({ subject: 'Signed and aligned' }),
      inbox.waitForEmail({ subject: 'Spoofed' }),
    ])
    const page = await openUi()
    for (const email of [signed, spoofed]) {
      // Judged again here, from the raw bytes, by the same function users call.
      const expected = await computeEmailAuth(email.raw, email.envelope, profile)
      await page.goto(`${page.url().split('#')[0]}#/emails/${email.id}`)
      const badges = page.getByRole('region', { name: 'Authentication' })
      await expect(badges).toContainText(`SPF ${expected.spf?.result}`)
      await expect(badges).toContainText(`DKIM ${expected.dkim[0]?.result ?? 'none'}`)
      await expect(badges).toContainText(`DMARC ${expected.dmarc?.result}`)
      await page.getByRole('tab', { name: 'Headers' }).click()
      const panel = page.getByRole('tabpanel')
      await expect(panel.getByRole('row', { name: /^SPF/ })).toContainText(
        `${expected.spf?.result} ${expected.spf?.domain}`,
      )
      await expect(panel.getByRole('row', { name: /^DMARC/ })).toContainText(
        `${expected.dmarc?.result} ${expected.dmarc?.domain} p=${expected.dmarc?.policy}`,
      )
      await expect(panel).toContainText(`Source: ${expected.source}`)
    }
    // The two cases really differ: a pass with its DKIM signature, a fail without one.
    await expect(page.getByRole('region', { name: 'Authentication' })).toContainText('DMARC fail')
    await expect(page.getByRole('tabpanel').getByRole('row', { name: /^DKIM/ })).toContainText('no signature')
  })

  test('lists the links and one-time codes a test would extract, and its attachments', async ({
    openUi,
    send,
    inbox,
  }) => {
    await send({
      subject: 'Verify your address',
      html: '<p>Your code is <b>482913</b>.</p><p><a href="https://app.example/verify?t=abc">Verify</a></p>',
      text: 'Your code is 482913. Verify: https://app.example/verify?t=abc',
      attachments: [{ filename: 'terms.txt', content: 'Terms and conditions' }],
    })
    const email = await inbox.waitForEmail()
    const page = await openUi(`#/emails/${email.id}`)
    await page.getByRole('tab', { name: /Links & codes/ }).click()
    const panel = page.getByRole('tabpanel')
    await expect(panel.getByRole('listitem')).toHaveText(email.codes.map((c) => c))
    await expect(
      panel.getByRole('link', { name: 'https://app.example/verify?t=abc' }).first(),
    ).toHaveAttribute('rel', /noreferrer/)
    await expect(panel.getByRole('row')).toHaveCount(email.links.length + 1)

    await page.getByRole('tab', { name: 'Attachments (1)' }).click()
    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: 'terms.txt' }).click()
    const file = await download
    expect(file.suggestedFilename()).toBe('terms.txt')

    await page.getByRole('tab', { name: 'Raw' }).click()
    await expect(page.getByRole('tabpanel')).toContainText('Subject: Verify your address')
  })

  test('shows one pane at a time in a narrow window (200% zoom)', async ({ openUi, send, inbox, page }) => {
    await send({ subject: 'Narrow window', text: 'x' })
    await inbox.waitForEmail()
    await page.setViewportSize({ width: 640, height: 450 })
    await openUi(`#/inboxes/${encodeURIComponent(inbox.address)}`)
    await rows(page)
      .getByRole('option', { name: /Narrow window/ })
      .click()
    await expect(page.getByRole('heading', { name: 'Narrow window' })).toBeVisible()
    await expect(page.getByRole('listbox')).toBeHidden()
    await page.getByRole('button', { name: '← Back to list' }).click()
    await expect(rows(page).getByRole('option', { name: /Narrow window/ })).toBeVisible()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
  })
})

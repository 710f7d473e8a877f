import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

// What axe finds that is serious or critical, in a form that reads well in a failure.
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    // The preview shows the sender's markup: its contrast and alt texts are the email's, not the UI's
    // (checks/ judges the email's own accessibility).
    .exclude('iframe')
    .analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }))
}

for (const theme of ['light', 'dark'] as const) {
  test(`the list and every view of an email have no serious or critical axe violation (${theme} theme)`, async ({
    openUi,
    send,
    inbox,
    page,
  }) => {
    await page.emulateMedia({ colorScheme: theme })
    await send({
      subject: 'Accessible email',
      html: '<p>Your code is <b>482913</b>. <a href="https://app.example/verify">Verify</a></p>',
      text: 'Your code is 482913. https://app.example/verify',
      attachments: [{ filename: 'notes.txt', content: 'notes' }],
      sign: true,
    })
    await send({ from: 'ceo@spoofed.test', subject: 'Failing verdicts', text: 'x' })
    await inbox.waitForEmails(2)
    await openUi()
    await expect(page.getByRole('listbox', { name: 'Emails' }).getByRole('option').first()).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])

    const email = (await inbox.emails()).find((e) => e.subject === 'Accessible email')
    await page.goto(
      `${page.url().split('#')[0]}#/inboxes/${encodeURIComponent(inbox.address)}/emails/${email?.id}`,
    )
    await expect(page.getByRole('heading', { name: 'Accessible email' })).toBeVisible()
    for (const tab of ['Preview', 'Text', 'Headers', 'Links & codes', 'Attachments', 'Raw']) {
      await page.getByRole('tab', { name: new RegExp(`^${tab.replace('&', '&')}`) }).click()
      await expect(page.getByRole('tabpanel')).not.toContainText('Loading…')
      expect({ tab, violations: await seriousViolations(page) }).toEqual({ tab, violations: [] })
    }
    // A search that is wrong, with its message.
    await page.getByRole('searchbox', { name: 'Search emails' }).fill('nope:1')
    await expect(page.getByRole('alert')).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
  })
}

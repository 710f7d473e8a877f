import { test } from '@mailwright/vitest'
import { expect } from 'vitest'

test('staging: the inbox is the Graph mailbox, mail goes through Office 365, verdicts come from its stamp', async ({
  inbox,
  mailTransport,
}) => {
  // The run's global setup started no capture inbox and left the application's SMTP settings alone.
  expect(process.env.SMTP_HOST).toBe('smtp.app-under-test.example')
  expect(inbox.address).toMatch(/^qa\+[\w-]+@contoso\.test$/)
  await mailTransport.send({
    from: 'qa@contoso.test',
    to: inbox.address,
    subject: 'Staging hello',
    text: 'Hi',
  })
  const email = await inbox.waitForEmail({ subject: 'Staging hello' })
  expect(email).toBeSentFrom('qa@contoso.test')
  expect(email).toHaveHeader('X-MS-Exchange-Organization-AuthAs', 'Internal')
  expect(email).toHavePassedDmarc()
  await expect(
    mailTransport.send({ from: 'qa@contoso.test', to: 'customer@example.com', subject: 'No', text: 'No' }),
  ).rejects.toThrow(/customer@example\.com/)
})

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseDeliveryReport } from './delivery-report.js'
import { parseEmail } from './parse-email.js'

const meta = { id: '1', envelope: { mailFrom: '', rcptTo: ['noreply@contoso.test'] }, receivedAt: new Date() }
const parse = (raw: Buffer | string) => parseEmail(Buffer.from(raw), meta)

describe('parseDeliveryReport', () => {
  it('reads an RFC 3464 report: each recipient, its action, status and reply, and the message it is about', async () => {
    const email = await parse(
      readFileSync(new URL('../../../test/fixtures/dsn-rfc3464.eml', import.meta.url)),
    )
    expect(parseDeliveryReport(email)).toEqual({
      kind: 'dsn',
      originalMessageId: '<order-4711@contoso.test>',
      originalSubject: 'Your order has shipped',
      reportingMta: 'mx.partner.test',
      bounced: true,
      recipients: [
        {
          recipient: 'nobody@partner.test',
          action: 'failed',
          status: '5.1.1',
          diagnostic: '550 5.1.1 <nobody@partner.test>: Recipient address rejected: User unknown',
          remoteMta: 'mx.partner.test',
        },
        {
          recipient: 'slow@partner.test',
          action: 'delayed',
          status: '4.4.7',
          diagnostic: '451 4.4.7 Message delayed',
        },
      ],
    })
  })

  it("reads an Exchange NDR's text when the report part is gone, and explains Office 365's reply", async () => {
    const email = await parse(
      [
        'From: Microsoft Outlook <postmaster@contoso.test>',
        'To: qa@contoso.test',
        'Subject: Undeliverable: Welcome',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        "Your message to ops@partner.test couldn't be delivered.",
        '',
        'Diagnostic information for administrators:',
        '',
        'Generating server: AM0PR01MB0001.eurprd01.prod.outlook.com',
        '',
        'ops@partner.test',
        "Remote Server returned '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP'",
        '',
        'Original message headers:',
        '',
        'From: qa@contoso.test',
        'Subject: Welcome',
        'Message-ID: <welcome-1@contoso.test>',
        '',
      ].join('\r\n'),
    )
    const report = parseDeliveryReport(email)
    expect(report).toMatchObject({
      kind: 'ndr-text',
      originalMessageId: '<welcome-1@contoso.test>',
      bounced: true,
      recipients: [{ recipient: 'ops@partner.test', action: 'failed', status: '5.7.708' }],
    })
    expect(report?.recipients[0]?.explanation?.title).toBe('Traffic not accepted from this IP')
  })

  it('is undefined for an email that reports nothing', async () => {
    expect(parseDeliveryReport(await parse('Subject: Hi\r\n\r\nRemote server is fine.\r\n'))).toBeUndefined()
  })

  it('reads only so much of a hostile report: 100 recipients at most', async () => {
    const blocks = Array.from(
      { length: 5000 },
      (_, i) => `Final-Recipient: rfc822; r${i}@x.test\r\nAction: failed\r\nStatus: 5.0.0\r\n`,
    )
    const raw = [
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; x.test',
      '',
      blocks.join('\r\n'),
      '--b--',
      '',
    ].join('\r\n')
    const report = parseDeliveryReport(await parse(raw))
    expect(report?.recipients.length).toBeLessThanOrEqual(100)
    expect(report?.bounced).toBe(true)
  })
})

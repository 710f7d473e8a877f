import { describe, expect, it } from 'vitest'
import { parseEmail } from '../parse-email.js'
import type { MatcherResult } from './matcher-result.js'
import { toBeJunk } from './to-be-junk.js'

const email = (headers: string[], folder?: string) =>
  parseEmail(Buffer.from([...headers, 'Subject: Verify your email', '', 'Hi', ''].join('\r\n')), {
    id: 'j1',
    envelope: { mailFrom: '', rcptTo: ['qa@contoso.test'] },
    receivedAt: new Date(0),
    ...(folder ? { folder } : {}),
  })
const check = async (isNot: boolean, headers: string[], folder?: string): Promise<MatcherResult> =>
  toBeJunk.call({ isNot }, await email(headers, folder))

// Header values as Exchange Online writes them (Microsoft Learn, "Anti-spam message headers in cloud
// organizations": https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo).
const spoofed = [
  'Authentication-Results: spf=none (sender IP is 203.0.113.9) smtp.mailfrom=app.test; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=app.test;compauth=fail reason=001',
  'X-Forefront-Antispam-Report: CIP:203.0.113.9;CTRY:;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mx.app.test;PTR:;CAT:SPOOF;SFS:;DIR:INB;',
  'X-Microsoft-Antispam: BCL:0;',
]

describe('toBeJunk', () => {
  it("fails a negated assertion on mail Exchange filed in Junk Email, saying why from Exchange's own headers", async () => {
    const result = await check(true, spoofed, 'junkemail')
    expect(result.pass).toBe(true)
    expect(result.message()).toContain(
      'Received: filed in Junk Email; SCL 5 (spam); SFV:SPM (spam filtering marked it as spam); CAT:SPOOF (spoofing: the From domain did not authenticate); compauth=fail reason=001',
    )
    expect(result.message()).toContain(
      'Expected: not junk (filed in Junk Email, SCL 5 or more, or a spam verdict)',
    )
  })

  it('counts a spam verdict as junk even in the Inbox, and passes clean mail', async () => {
    expect((await check(false, spoofed, 'inbox')).pass).toBe(true)
    const clean = await check(
      true,
      [
        'X-Forefront-Antispam-Report: CIP:203.0.113.10;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mx.app.test;PTR:;CAT:NONE;SFS:;DIR:INB;',
      ],
      'inbox',
    )
    expect(clean.pass).toBe(false)
  })

  it('finds no verdict on mail nothing judged (the capture inbox), so only the negated form passes', async () => {
    const result = await check(false, [])
    expect(result.pass).toBe(false)
    expect(result.message()).toContain(
      'Received: no spam verdict: nothing filed or judged it (the capture inbox does not filter spam)',
    )
  })
})

import { type CheckContext, CheckError, type DnsRecords, zoneResolver } from '@mailwright/core'
import { generateDkimKey, signEmail } from '@mailwright/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canRun, describeWith } from '../../core/src/requirement.test-util.js'
import { budget } from '../../core/src/time-budget.test-util.js'
import { checkSpam, parseReport } from './check-spam.js'
import { captured, fixture, fixtureText } from './fixture.test-util.js'
import { spamFilterUrl, stopSpamFilters } from './spam-filter-url.js'
import { startRspamd } from './start-rspamd.js'
import { type StartedSpamFilter, startSpamFilter } from './start-spam-filter.js'

const rspamd = {
  available: canRun('rspamd', ['--version']),
  missing: 'rspamd is not installed',
  install: 'apt-get install rspamd',
}
const spamd = {
  available: canRun('spamd', ['--version']),
  missing: 'SpamAssassin (spamd) is not installed',
  install: 'apt-get install spamd spamc',
}

// The production sender as receivers would see it: its IP, reverse DNS, SPF, DKIM key and DMARC policy.
const key = generateDkimKey()
const records: DnsRecords = {
  'example.com': {
    TXT: ['v=spf1 ip4:198.51.100.20 -all'],
    A: ['198.51.100.20'],
    MX: ['10 mail.example.com'],
  },
  'mail.example.com': { A: ['198.51.100.20'] },
  '20.100.51.198.in-addr.arpa': { PTR: ['mail.example.com'] },
  's1._domainkey.example.com': { TXT: [key.record] },
  '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] },
}
const dns = zoneResolver(records)
const context: CheckContext = {
  sandbox: true,
  checks: {},
  senderIp: '198.51.100.20',
  helo: 'mail.example.com',
  dns,
}

/** The clean receipt, DKIM-signed by example.com as its production sender signs. */
async function signedReceipt() {
  const signed = await signEmail(fixtureText('not-spam.eml'), {
    domain: 'example.com',
    selector: 's1',
    privateKey: key.privateKey,
  })
  return captured(signed, 'signed-receipt')
}

for (const [checker, requirement, threshold] of [
  ['rspamd', rspamd, 6],
  ['spamassassin', spamd, 5],
] as const) {
  describeWith(requirement)(`checkSpam with ${checker}, offline`, () => {
    let filter: StartedSpamFilter

    beforeAll(async () => {
      filter = await startSpamFilter(checker, { dns })
    }, budget(180_000))
    afterAll(() => filter?.stop())

    it('scores spam at or above its spam threshold and lists the rules that fired', async () => {
      const result = await checkSpam(await fixture('spam.eml'), { checker, url: filter.url }, context)
      expect(result).toMatchObject({ kind: 'spam', checker, threshold })
      expect(result.score).toBeGreaterThanOrEqual(threshold)
      const fired = result.symbols.filter((s) => s.score > 0)
      expect(fired.length).toBeGreaterThan(2)
      // Highest first, and they add up to the score (rspamd rounds each, SpamAssassin to one decimal).
      expect(fired.map((s) => s.score)).toEqual([...fired.map((s) => s.score)].sort((a, b) => b - a))
      const sum = result.symbols.reduce((n, s) => n + s.score, 0)
      expect(Math.abs(sum - result.score)).toBeLessThan(0.6)
      expect(result.offline.length).toBeGreaterThan(0)
    })

    it('scores a clean, signed receipt from the production sender below it, with SPF and DKIM from the zone', async () => {
      const result = await checkSpam(await signedReceipt(), { checker, url: filter.url }, context)
      expect(result.score).toBeLessThan(threshold)
      const names = result.symbols.map((s) => s.name)
      // The zone reached the filter through the loopback DNS: SPF and DKIM pass as they would in production.
      if (checker === 'rspamd')
        expect(names).toEqual(expect.arrayContaining(['R_SPF_ALLOW', 'R_DKIM_ALLOW', 'DMARC_POLICY_ALLOW']))
      else expect(names).toEqual(expect.arrayContaining(['SPF_PASS', 'DKIM_VALID']))
    })

    it('scores the same email alike each time (no learning between checks)', async () => {
      const email = await fixture('spam.eml')
      const first = await checkSpam(email, { checker, url: filter.url }, context)
      const second = await checkSpam(email, { checker, url: filter.url }, context)
      expect(second.score).toBe(first.score)
    })

    it('gives an error naming the filter, never a score, when it does not answer in time', async () => {
      const error = await checkSpam(
        await fixture('spam.eml'),
        { checker, url: filter.url, timeout: 1 },
        context,
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CheckError)
      expect(error).toMatchObject({ checker: checker === 'rspamd' ? 'rspamd' : 'SpamAssassin' })
      expect((error as Error).message).toMatch(/did not answer within 1 ms/)
    })
  })
}

describeWith(rspamd)('a spam filter Mailwright starts itself', () => {
  afterAll(() => stopSpamFilters())

  it(
    'asks no resolver but its own loopback DNS, and nothing of rspamd.com or a blocklist',
    async () => {
      await using filter = await startRspamd({ dns })
      await checkSpam(await signedReceipt(), { url: filter.url }, context)
      await checkSpam(await fixture('spam.eml'), { url: filter.url }, context)
      // It did look up the sender (SPF, DKIM, DMARC) — through the loopback server, which answered from the zone.
      expect(filter.dnsQueries).toEqual(
        expect.arrayContaining([
          'TXT example.com',
          'TXT s1._domainkey.example.com',
          'TXT _dmarc.example.com',
        ]),
      )
      expect(
        filter.dnsQueries.filter((q) =>
          /rspamd\.com|spamhaus|surbl|uribl|dnswl|mailspike|senderscore/i.test(q),
        ),
      ).toEqual([])
    },
    budget(120_000),
  )

  it(
    'is started once per process, and again after it crashed; a crash in between is an error naming it',
    async () => {
      const url = await spamFilterUrl('rspamd', undefined, context, {})
      expect(await spamFilterUrl('rspamd', undefined, context, {})).toBe(url)
      const { port } = new URL(url)
      // Kill the filter as a crash would: every rspamd process listening on that port.
      const { execFileSync } = await import('node:child_process')
      const pids = execFileSync('sh', [
        '-c',
        `ss -Hltnp 'sport = :${port}' | grep -o 'pid=[0-9]*' | cut -d= -f2`,
      ])
        .toString()
        .split('\n')
        .filter(Boolean)
      expect(pids.length).toBeGreaterThan(0)
      // Every process of that rspamd (its helpers too): none may outlive the crash.
      const pgid = execFileSync('ps', ['-o', 'pgid=', '-p', pids[0] as string])
        .toString()
        .trim()
      const group = execFileSync('ps', ['-o', 'pid=', '-g', pgid])
        .toString()
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean)
      expect(group.length).toBeGreaterThan(new Set(pids).size)
      for (const pid of new Set(pids)) process.kill(Number(pid), 'SIGKILL')
      const error = await checkSpam(await fixture('spam.eml'), { url }, context).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CheckError)
      expect((error as Error).message).toMatch(
        /^\[Mailwright\] rspamd at http:\/\/127\.0\.0\.1:\d+ is not answering/,
      )
      // The next check starts a new one.
      await expect
        .poll(() => spamFilterUrl('rspamd', undefined, context, {}), { timeout: budget(120_000) })
        .not.toBe(url)
      const result = await checkSpam(await fixture('spam.eml'), {}, { ...context })
      expect(result.score).toBeGreaterThan(0)
      const alive = (pid: string) => {
        try {
          process.kill(Number(pid), 0)
          return true
        } catch {
          return false
        }
      }
      await expect.poll(() => group.filter(alive), { timeout: budget(10_000) }).toEqual([])
    },
    budget(240_000),
  )
})

describe('parseReport', () => {
  it("reads SpamAssassin's report table, with descriptions that wrap", () => {
    const report = [
      'Content analysis details:   (5.6 points, 5.0 required)',
      '',
      ' pts rule name              description',
      '---- ---------------------- --------------------------------------------------',
      ' 2.7 MISSING_DATE           Missing Date: header',
      '-0.0 NO_RECEIVED            Informational: message has no Received headers',
      ' 1.8 DRUGS_ERECTILE         Refers to an erectile drug',
      ' 0.0 HTML_MESSAGE           BODY: HTML included in message and a description',
      '                            that goes on',
      '',
    ].join('\n')
    expect(parseReport(report)).toEqual([
      { name: 'MISSING_DATE', score: 2.7, description: 'Missing Date: header' },
      { name: 'NO_RECEIVED', score: -0, description: 'Informational: message has no Received headers' },
      { name: 'DRUGS_ERECTILE', score: 1.8, description: 'Refers to an erectile drug' },
      {
        name: 'HTML_MESSAGE',
        score: 0,
        description: 'BODY: HTML included in message and a description that goes on',
      },
    ])
    expect(parseReport('no table here')).toEqual([])
  })
})

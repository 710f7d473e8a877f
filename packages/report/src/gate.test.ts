import { describe, expect, it } from 'vitest'
import type { EmailReport, ReportedEmail, ReportedTest } from './email-report.js'
import { evaluateGate, formatViolations, mergeEmailReports, parseGatePolicy } from './gate.js'
import { renderJunit } from './render-junit.js'
import { renderMarkdown } from './render-markdown.js'

const email = (over: Partial<ReportedEmail> = {}): ReportedEmail => ({
  id: 'e1',
  from: 'no-reply@acme.test',
  to: ['a+1@inbox.test'],
  cc: [],
  recipients: ['a+1@inbox.test'],
  subject: 'Welcome',
  size: 2048,
  receivedAt: '2026-11-27T00:00:00.000Z',
  waited: true,
  asserted: true,
  links: ['https://acme.test/start?token=1'],
  ...over,
})
const test = (over: Partial<ReportedTest> = {}): ReportedTest => ({
  key: 'a.test.ts > welcome',
  file: 'a.test.ts',
  title: 'welcome',
  status: 'passed',
  durationMs: 10,
  retry: 0,
  environment: 'sandbox',
  emails: [email()],
  assertions: [],
  waits: [],
  ...over,
})
const report = (tests: ReportedTest[], over: Partial<EmailReport> = {}): EmailReport => ({
  version: 1,
  tool: 'mailwright',
  runner: 'playwright',
  startedAt: '2026-11-27T00:00:00.000Z',
  durationMs: 100,
  tests,
  ...over,
})
const policy = (rules: unknown[]) => parseGatePolicy({ rules }, 'gate.json')

describe('parseGatePolicy', () => {
  it.each([
    [{}, 'gate.json: rules is undefined. Expected a non-empty list of rules.'],
    [
      { rules: [{ rule: 'dmarc' }] },
      'gate.json: rules[0].rule is "dmarc". Expected one of no-failed-email-assertions, dmarc-pass, max-size, bulk-sender, not-junk, same-across-environments, spam-score, client-compatibility, working-links, accessible.',
    ],
    [
      { rules: [{ rule: 'max-size' }] },
      'gate.json: rules[0].kb is undefined. Expected a number of kilobytes > 0, e.g. "kb": 100.',
    ],
    [
      { rules: [{ rule: 'dmarc-pass', where: { subject: '(' } }] },
      'gate.json: rules[0].where.subject is "(". Expected a valid regular expression',
    ],
    [
      { rules: [{ rule: 'dmarc-pass', where: { body: 'x' } }] },
      'gate.json: rules[0].where.body is "x". Expected one of the keys subject, from, to, environment.',
    ],
    [
      { rules: [{ rule: 'no-failed-email-assertions', kb: 1 }] },
      'gate.json: rules[0].kb is 1. Expected no such key for "no-failed-email-assertions" (it takes: nothing else).',
    ],
    [
      { rules: [{ rule: 'same-across-environments', environments: ['sandbox'] }] },
      'gate.json: rules[0].environments is ["sandbox"]. Expected two or more environment names',
    ],
    [
      { rules: [], extra: 1 },
      'gate.json: extra is 1. Expected only "rules" (and "$schema") at the top level.',
    ],
  ])('refuses %j, naming the key, the value and the fix', (value, message) => {
    expect(() => parseGatePolicy(value, 'gate.json')).toThrow(message)
  })
})

describe('evaluateGate', () => {
  it('counts failed email assertions and waits of failed tests only (a passing test may expect a matcher to fail)', () => {
    const failing = test({
      title: 'fails',
      key: 'a.test.ts > fails',
      status: 'failed',
      assertions: [
        {
          matcher: 'toHaveSubject',
          not: false,
          passed: false,
          email: 'e1',
          message: 'expect(email).toHaveSubject("X") failed\n\nmore',
        },
      ],
      waits: [{ title: 'wait for email to b@x', ms: 5, outcome: 'failed', error: 'No email matching' }],
    })
    const expecting = test({
      assertions: [{ matcher: 'toHaveSubject', not: false, passed: false, message: 'expected' }],
    })
    const violations = evaluateGate(
      report([failing, expecting]),
      policy([{ rule: 'no-failed-email-assertions' }]),
    )
    expect(violations).toEqual([
      {
        test: 'a.test.ts > fails',
        email: '"Welcome" → a+1@inbox.test',
        rule: 'no-failed-email-assertions',
        detail: 'toHaveSubject: expect(email).toHaveSubject("X") failed',
      },
      {
        test: 'a.test.ts > fails',
        rule: 'no-failed-email-assertions',
        detail: 'wait for email to b@x: No email matching',
      },
    ])
  })

  it('judges DMARC, size and bulk-sender rules on the emails the filter picks', () => {
    const judged = email({
      id: 'e2',
      subject: 'Newsletter',
      size: 300 * 1024,
      auth: {
        dkim: [],
        dmarc: { result: 'fail', domain: 'acme.test', aligned: false },
        source: 'computed by mailwright',
      },
      bulkSender: [
        { requirement: 'SPF passes', met: true },
        { requirement: 'List-Unsubscribe has an https URL', met: false },
      ],
    })
    const r = report([test({ emails: [email(), judged] })])
    expect(evaluateGate(r, policy([{ rule: 'dmarc-pass' }])).map((v) => v.detail)).toEqual([
      'no DMARC verdict (give the environment a sending profile, or read from a receiver that stamps one)',
      'DMARC fail for acme.test (computed by mailwright)',
    ])
    expect(evaluateGate(r, policy([{ rule: 'dmarc-pass', where: { subject: '^News' } }]))).toHaveLength(1)
    expect(evaluateGate(r, policy([{ rule: 'max-size', kb: 100 }])).map((v) => v.detail)).toEqual([
      '300.0 KB is over 100 KB',
    ])
    expect(
      evaluateGate(r, policy([{ rule: 'bulk-sender', where: { subject: 'Newsletter' } }])).map(
        (v) => v.detail,
      ),
    ).toEqual(['not met: List-Unsubscribe has an https URL'])
    expect(
      evaluateGate(r, policy([{ rule: 'max-size', kb: 100, where: { environment: '^staging$' } }])),
    ).toEqual([])
  })

  it('fails not-junk on an email a real mailbox filed as junk, with its reasons; unjudged mail passes', () => {
    const junk = email({
      id: 'e3',
      subject: 'You won',
      spam: {
        junk: true,
        folder: 'junkemail',
        reasons: ['filed in Junk Email', 'SCL 5 (spam)', 'SFV:SPM (spam filtering marked it as spam)'],
      },
    })
    const clean = email({
      id: 'e4',
      spam: { junk: false, folder: 'inbox', reasons: ['filed in inbox', 'SCL 1 (not spam)'] },
    })
    const r = report([test({ environment: 'staging', emails: [email(), junk, clean] })])
    expect(evaluateGate(r, policy([{ rule: 'not-junk' }]))).toEqual([
      {
        test: 'a.test.ts > welcome',
        email: expect.stringContaining('You won'),
        rule: 'not-junk',
        detail: 'junk: filed in Junk Email; SCL 5 (spam); SFV:SPM (spam filtering marked it as spam)',
      },
    ])
  })

  it('compares the same test across environments by subject and link path (hosts and tokens may differ)', () => {
    const sandbox = test()
    const staging = test({
      environment: 'staging',
      emails: [email({ links: ['https://staging.acme.test/start?token=2'] })],
    })
    const rule = [{ rule: 'same-across-environments', environments: ['sandbox', 'staging'] }]
    expect(evaluateGate(report([sandbox, staging]), policy(rule))).toEqual([])
    const drifted = test({
      environment: 'staging',
      emails: [email({ subject: 'Welcome!', links: ['https://acme.test/begin'] })],
    })
    expect(evaluateGate(report([sandbox, drifted]), policy(rule))).toEqual([
      {
        test: 'a.test.ts > welcome',
        rule: 'same-across-environments',
        detail: 'subject differs: sandbox saw Welcome; staging saw Welcome!',
      },
      {
        test: 'a.test.ts > welcome',
        rule: 'same-across-environments',
        detail: 'links differs: sandbox saw /start; staging saw /begin',
      },
    ])
    // A test skipped in one environment (a simulated fault in staging, say) saw nothing to compare.
    const skipped = test({ environment: 'staging', status: 'skipped', emails: [] })
    expect(evaluateGate(report([sandbox, skipped]), policy(rule))).toEqual([])
    expect(
      evaluateGate(report([{ ...sandbox, status: 'skipped', emails: [] }, staging]), policy(rule)),
    ).toEqual([])
  })
})

describe('content-check rules', () => {
  const checked = email({
    id: 'c1',
    subject: 'Newsletter',
    checks: {
      spam: {
        checker: 'rspamd',
        score: 7.5,
        threshold: 6,
        action: 'add header',
        symbols: [
          { name: 'SUBJ_ALL_CAPS', score: 3 },
          { name: 'MISSING_MID', score: 2.5 },
        ],
      },
      compatibility: {
        clients: ['outlook.windows'],
        failOnPartial: false,
        unsupported: [
          {
            feature: 'display:flex',
            clients: ['outlook.windows'],
            url: 'https://www.caniemail.com/features/css-display-flex/',
          },
        ],
        partial: [
          {
            feature: '<style> element',
            clients: ['outlook.windows'],
            url: 'https://www.caniemail.com/features/html-style/',
          },
        ],
      },
      links: {
        ok: 3,
        notChecked: ['https://cdn.example.com/x.png'],
        failing: [
          {
            url: 'http://127.0.0.1:3000/gone',
            element: 'link',
            outcome: 'broken',
            status: 404,
            reason: 'answered 404',
          },
        ],
      },
      accessibility: {
        impact: 'minor',
        violations: [
          {
            id: 'image-alt',
            impact: 'critical',
            help: 'Images must have alternative text',
            helpUrl: 'https://dequeuniversity.com/rules/axe/4.14/image-alt',
            elements: 2,
          },
          {
            id: 'email-layout-table',
            impact: 'moderate',
            help: 'Layout tables must have role="presentation"',
            helpUrl: 'https://www.w3.org/WAI/tutorials/tables/',
            elements: 1,
          },
        ],
      },
    },
  })
  const unchecked = email({ id: 'u1', subject: 'Welcome' })
  const run = report([test({ emails: [checked, unchecked] })])

  it('judge the checks tests ran, naming what failed and where to read more', () => {
    const violations = evaluateGate(
      run,
      policy([
        { rule: 'spam-score' },
        { rule: 'client-compatibility' },
        { rule: 'working-links' },
        { rule: 'accessible' },
      ]),
    )
    expect(violations.map((v) => [v.rule, v.email, v.detail])).toEqual([
      [
        'spam-score',
        '"Newsletter" → a+1@inbox.test',
        'rspamd scored 7.5, not below 6 (SUBJ_ALL_CAPS +3, MISSING_MID +2.5)',
      ],
      [
        'client-compatibility',
        '"Newsletter" → a+1@inbox.test',
        'not supported by outlook.windows: display:flex (https://www.caniemail.com/features/css-display-flex/)',
      ],
      [
        'working-links',
        '"Newsletter" → a+1@inbox.test',
        'broken http://127.0.0.1:3000/gone (404): answered 404',
      ],
      [
        'accessible',
        '"Newsletter" → a+1@inbox.test',
        'critical image-alt: Images must have alternative text (2 elements; https://dequeuniversity.com/rules/axe/4.14/image-alt)',
      ],
      [
        'accessible',
        '"Newsletter" → a+1@inbox.test',
        'moderate email-layout-table: Layout tables must have role="presentation" (1 element; https://www.w3.org/WAI/tutorials/tables/)',
      ],
    ])
  })

  it('take their own thresholds, and with require name the emails no test checked', () => {
    const violations = evaluateGate(
      run,
      policy([
        { rule: 'spam-score', below: 8, require: true },
        { rule: 'accessible', impact: 'serious', where: { subject: '^Newsletter$' } },
      ]),
    )
    expect(violations.map((v) => [v.rule, v.email, v.detail])).toEqual([
      ['spam-score', '"Welcome" → a+1@inbox.test', 'not checked: no test called toHaveSpamScore on it'],
      [
        'accessible',
        '"Newsletter" → a+1@inbox.test',
        'critical image-alt: Images must have alternative text (2 elements; https://dequeuniversity.com/rules/axe/4.14/image-alt)',
      ],
    ])
  })

  it('refuse thresholds that are not ones', () => {
    expect(() => policy([{ rule: 'spam-score', below: '5' }])).toThrow(
      'gate.json: rules[0].below is "5". Expected a number, e.g. "below": 5.',
    )
    expect(() => policy([{ rule: 'accessible', impact: 'severe' }])).toThrow(
      'gate.json: rules[0].impact is "severe". Expected one of minor, moderate, serious, critical.',
    )
  })

  it('show in the Markdown summary as a table of the checked emails', () => {
    const markdown = renderMarkdown(run)
    expect(markdown).toContain(
      [
        '### Content checks',
        '',
        '| test | email | spam score | client compatibility | links | accessibility |',
        '|---|---|---|---|---|---|',
        '| a.test.ts > welcome | Newsletter | 7.5 / 6 (rspamd; SUBJ_ALL_CAPS 3) | 1 unsupported: display:flex | 1 failing: http://127.0.0.1:3000/gone 404 | image-alt (critical), email-layout-table (moderate) |',
      ].join('\n'),
    )
  })
})

describe('mergeEmailReports', () => {
  it('joins shards and keeps the last retry of a test', () => {
    const first = report([test({ status: 'failed', retry: 0 })], { shard: { current: 1, total: 2 } })
    const second = report(
      [test({ status: 'passed', retry: 1 }), test({ key: 'b.test.ts > other', file: 'b.test.ts' })],
      {
        shard: { current: 2, total: 2 },
      },
    )
    const merged = mergeEmailReports([first, second])
    expect(merged.tests.map((t) => [t.key, t.status, t.retry])).toEqual([
      ['a.test.ts > welcome', 'passed', 1],
      ['b.test.ts > other', 'passed', 0],
    ])
    expect(merged.shard).toBeUndefined()
  })
})

describe('renderings', () => {
  it('prints a table of violations, and a line when there are none', () => {
    expect(formatViolations([])).toBe('mailwright gate: no violations.')
    expect(formatViolations([{ test: 't', email: 'e', rule: 'max-size', detail: 'd' }]).split('\n')).toEqual([
      'mailwright gate: 1 violation',
      '',
      'test  email  rule      detail',
      't     e      max-size  d',
    ])
  })

  it('escapes Markdown table cells and XML', () => {
    const t = test({
      title: 'a | b <c> & "d"',
      key: 'a.test.ts > a | b <c> & "d"',
      status: 'failed',
      assertions: [{ matcher: 'toHaveSubject', not: true, passed: false, email: 'e1', message: 'bad <x>' }],
    })
    const r = report([t])
    expect(renderMarkdown(r)).toContain('| a.test.ts > a \\| b <c> & "d" | sandbox | **failed** |')
    expect(renderMarkdown(r)).toContain('`.not.toHaveSubject` on "Welcome": bad <x>')
    const xml = renderJunit(r)
    expect(xml).toContain('name="a | b &lt;c&gt; &amp; &quot;d&quot;"')
    expect(xml).toContain('<failure message="bad &lt;x&gt;">')
  })
})

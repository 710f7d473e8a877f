// Fuzzing of every core function that reads outside input (see fuzz.test-util.ts for the property).
import fc from 'fast-check'
import { describe } from 'vitest'
import { distFile, fuzzTarget } from './fuzz.test-util.js'

const CORE = distFile('core', 'internal/index')

/** Text built from the pieces a parser cares about, glued in any order, with some noise. */
const pieces = (alphabet: string[], maxLength = 40) =>
  fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...alphabet) },
        { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
      ),
      {
        maxLength,
      },
    )
    .map((parts) => parts.join(''))

const WSP = [' ', '\t', '\r\n ', '\r\n\t', '\n', '\r']
const DOMAINS = [
  'example.com',
  'a.example.com',
  'EXAMPLE.com.',
  'x',
  '',
  '.',
  '..',
  'a'.repeat(70),
  'xn--caf-dma.test',
]

const authenticationResults = pieces([
  ...WSP,
  '(',
  ')',
  '"',
  '\\',
  ';',
  '=',
  '/',
  '.',
  'i=1;',
  'mx.example.com',
  'spf',
  'dkim',
  'dmarc',
  'arc',
  'none',
  'pass',
  'fail',
  'smtp.mailfrom',
  'header.d',
  'header.from',
  'reason=',
  'policy.',
  '1',
  ...DOMAINS,
])

const spfRecord = pieces([
  'v=spf1',
  'v=spf1 ',
  ' ',
  '  ',
  '+',
  '-',
  '~',
  '?',
  'all',
  'ip4:',
  'ip6:',
  '1.2.3.4',
  '203.0.113.0',
  '2001:db8::',
  '::ffff:1.2.3.4',
  '/',
  '//',
  '24',
  '33',
  '129',
  '0',
  'abc',
  'a',
  'a:',
  'mx',
  'mx:',
  'ptr',
  'ptr:',
  'exists:',
  'include:',
  'redirect=',
  'exp=',
  'example.com',
  'loop.example.com',
  '%{i}',
  '%{ir}',
  '%{d2}',
  '%{l-}',
  '%{s}',
  '%{o}',
  '%{h}',
  '%{p}',
  '%{v}',
  '%{c}',
  '%{r}',
  '%{t}',
  '%{',
  '%%',
  '%_',
  '%-',
  '%',
  '.',
  '=',
  ':',
  'unknown-mod=',
])

const dmarcRecord = pieces([
  'v=DMARC1',
  'v=dmarc1',
  ';',
  ' ',
  '=',
  'p=',
  'sp=',
  'np=',
  'none',
  'quarantine',
  'reject',
  'adkim=',
  'aspf=',
  's',
  'r',
  'pct=',
  '100',
  '-1',
  '99999999999999999999',
  'rua=mailto:d@example.com',
  'ruf=',
  't=y',
  'psd=y',
  'fo=1',
  'ri=',
  ',',
  '!',
])

const tagList = pieces([
  ' ',
  ';',
  ';;',
  '=',
  'v=1',
  'a=rsa-sha256',
  'a=ed25519-sha256',
  'a=rsa-sha1',
  'a=',
  'c=relaxed/relaxed',
  'c=simple',
  'c=/',
  'd=example.com',
  'D=example.com',
  's=s1',
  'h=from:to:subject',
  'h=',
  'i=@example.com',
  'i=@other.test',
  'l=0',
  'l=-1',
  'l=99999999999999999999',
  't=1795923842',
  'x=1',
  'x=',
  'q=dns/txt',
  'z=From:a',
  'bh=',
  'bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
  'b=',
  'b=AAAA',
  'cv=none',
  'cv=pass',
  'cv=fail',
  'i=0',
  'i=1',
  'i=51',
  '9x=1',
  '\r\n ',
])

const keyRecord = pieces([
  'v=DKIM1',
  ';',
  ' ',
  'k=rsa',
  'k=ed25519',
  'p=',
  'p=MIIB',
  't=s',
  't=y',
  'h=sha256',
  'h=sha1',
  's=email',
  'n=x',
  '=',
])

const headerName = fc.constantFrom(
  'From',
  'To',
  'Cc',
  'Subject',
  'Received',
  'Authentication-Results',
  'ARC-Authentication-Results',
  'Received-SPF',
  'DKIM-Signature',
  'Message-ID',
  'Date',
  'Return-Path',
  'Content-Type',
  'MIME-Version',
  'X-Any',
  'from',
  '',
  ' ',
  ':',
)
const headerValue = pieces([
  ...WSP,
  'a@example.com',
  '<a@example.com>',
  '"Name, Q" <b@example.com>',
  'group: a@x.test;',
  '=?utf-8?B?w6k=?=',
  '=?utf-7?Q?+AOk-?=',
  '=?x-unknown?Q?a?=',
  '=?utf-8?Q?=ZZ?=',
  'from mx.example.com (mx [203.0.113.1])',
  'by mx.example.net with ESMTPS id 1',
  '; Thu, 26 Nov 2026 10:00:00 +0000',
  'multipart/mixed; boundary="b"',
  'text/plain; charset=utf-7',
  'mx.example.com; spf=pass smtp.mailfrom=example.com',
  '(',
  ')',
  '"',
  ';',
  ',',
  '<',
  '>',
  '@',
  '\u0000',
  'é',
  '\ud83d',
])
const headerBlock = fc
  .array(fc.tuple(headerName, headerValue), { maxLength: 12 })
  .map((headers) => headers.map(([name, value]) => `${name}: ${value}`).join('\r\n'))

const mimeBody = pieces(
  [
    '\r\n',
    '\n',
    '--b\r\n',
    '--b--\r\n',
    '--b',
    'Content-Type: text/plain; charset=utf-8\r\n\r\n',
    'Content-Type: text/html\r\n\r\n<a href="https://x.test/v?t=1">Verify</a>',
    'Content-Type: multipart/alternative; boundary="c"\r\n\r\n--c\r\n',
    'Content-Type: text/plain; charset=utf-7\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n+AOk-=\r\n',
    'Content-Transfer-Encoding: base64\r\n\r\nw6k=\r\n',
    'Content-Transfer-Encoding: base64\r\n\r\n!!!\r\n',
    'Content-Disposition: attachment; filename="a.txt"\r\n\r\n',
    'Your code is 482913',
    '=C3=A9',
    '=\r\n',
    '+ADw-script+AD4-',
    '.',
    '\u0000',
  ],
  30,
)
const rawEmail = fc
  .tuple(headerBlock, fc.constantFrom('\r\n\r\n', '\n\n', '\r\n', ''), mimeBody)
  .map(([headers, gap, body]) => new Uint8Array(Buffer.from(`${headers}${gap}${body}`)))

const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4 })

describe('fuzzing the parsers of outside input', () => {
  fuzzTarget({
    name: 'parseAuthenticationResults',
    imports: { parse: [CORE, 'parseAuthenticationResults'] },
    run: (input: string, { parse }) => parse(input),
    arbitrary: fc.oneof(authenticationResults, fc.string({ maxLength: 200 })),
    throws: 'never',
    runs: 4000,
  })

  fuzzTarget({
    name: 'parseHeaders',
    imports: { parse: [CORE, 'parseHeaders'] },
    run: (input: Uint8Array, { parse }) => parse(input),
    arbitrary: fc.oneof(rawEmail, fc.uint8Array({ maxLength: 300 })),
    throws: 'never',
  })

  fuzzTarget({
    name: 'parseEmail',
    imports: { parse: [CORE, 'parseEmail'] },
    run: (input: Uint8Array, { parse }) =>
      parse(Buffer.from(input), {
        id: 'f',
        envelope: { mailFrom: 'a@example.com', rcptTo: ['b@inbox.test'] },
        receivedAt: new Date(0),
      }),
    arbitrary: fc.oneof(
      { weight: 4, arbitrary: rawEmail },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
    ),
    throws: 'never',
    runs: 1500,
  })

  fuzzTarget({
    name: 'analyzeHeaders',
    imports: { analyze: [CORE, 'analyzeHeaders'] },
    run: (input: Uint8Array, { analyze }) => analyze(Buffer.from(input), new Date(0)),
    arbitrary: rawEmail,
    throws: 'never',
  })

  fuzzTarget({
    name: 'verdictFromHeaders',
    imports: { verdict: [CORE, 'verdictFromHeaders'], parse: [CORE, 'parseHeaders'] },
    run: (input: { raw: Uint8Array; exchange: boolean }, { verdict, parse }) =>
      verdict(parse(input.raw).headers, {
        authservIds: ['mx.example.com', ''],
        exchangeOnline: input.exchange,
      }),
    arbitrary: fc.record({
      raw: fc
        .tuple(
          fc.array(
            fc.tuple(
              fc.constantFrom('Authentication-Results', 'ARC-Authentication-Results', 'Received'),
              authenticationResults,
            ),
            {
              maxLength: 5,
            },
          ),
          headerBlock,
        )
        .map(
          ([results, rest]) =>
            new Uint8Array(
              Buffer.from(`${results.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n${rest}\r\n\r\n`),
            ),
        ),
      exchange: fc.boolean(),
    }),
    throws: 'never',
  })

  fuzzTarget({
    name: 'decodeWords',
    imports: { decode: [CORE, 'decodeWords'] },
    run: (input: string, { decode }) => decode(input),
    arbitrary: headerValue,
    throws: 'never',
  })

  fuzzTarget({
    name: 'validateQuery',
    imports: { validate: [CORE, 'validateQuery'] },
    run: (input: unknown, { validate }) => validate(input),
    arbitrary: fc.oneof(
      anyJson,
      fc.record(
        {
          subject: fc.oneof(
            fc.string(),
            fc.record({ regex: fc.string({ maxLength: 12 }), flags: fc.string({ maxLength: 4 }) }),
          ),
          from: fc.oneof(fc.string(), fc.integer()),
          to: fc.string(),
          text: fc.record({
            regex: fc.string({ maxLength: 12 }),
            flags: fc.constantFrom('', 'i', 'g', 'x', 'iu'),
          }),
          after: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          unknown: fc.string(),
        },
        { requiredKeys: [] },
      ),
    ),
  })

  fuzzTarget({
    name: 'checkSpf',
    imports: { check: [CORE, 'checkSpf'], zone: [CORE, 'zoneResolver'] },
    run: (
      input: { record: string; other: string; ip: string; helo: string; mailFrom: string },
      { check, zone },
    ) =>
      check({
        ip: input.ip,
        helo: input.helo,
        mailFrom: input.mailFrom,
        dns: zone({
          'example.com': { TXT: [input.record] },
          'loop.example.com': { TXT: [input.other] },
          'a.example.com': { A: ['203.0.113.10'], AAAA: ['2001:db8::10'], MX: ['10 example.com'] },
        }),
      }),
    arbitrary: fc.record({
      record: spfRecord,
      other: spfRecord,
      ip: fc.constantFrom('203.0.113.10', '2001:db8::10', '::ffff:203.0.113.10', '1.2.3.4', 'not-an-ip', ''),
      helo: fc.constantFrom('mail.example.com', '[203.0.113.10]', '', 'not valid', '203.0.113.10'),
      mailFrom: fc.constantFrom(
        'a@example.com',
        '',
        '@example.com',
        'a@',
        'a@b@example.com',
        'é@example.com',
        'a@EXAMPLE.COM.',
      ),
    }),
    runs: 3000,
  })

  fuzzTarget({
    name: 'evaluateDmarc',
    imports: { evaluate: [CORE, 'evaluateDmarc'], zone: [CORE, 'zoneResolver'] },
    run: (input: { records: string[]; org: string; from: string[] }, { evaluate, zone }) =>
      evaluate({
        from: input.from,
        spf: { result: 'pass', domain: 'mail.example.com' },
        dkim: [{ result: 'pass', domain: 'example.com', aligned: true }],
        dns: zone({
          '_dmarc.news.example.com': { TXT: input.records },
          '_dmarc.example.com': { TXT: [input.org] },
        }),
      }),
    arbitrary: fc.record({
      records: fc.array(dmarcRecord, { maxLength: 3 }),
      org: dmarcRecord,
      from: fc.array(
        fc.constantFrom('a@news.example.com', 'b@example.com', 'x', '', 'a@', '@news.example.com'),
        {
          maxLength: 3,
        },
      ),
    }),
  })

  fuzzTarget({
    name: 'verifyDkim',
    imports: { verify: [CORE, 'verifyDkim'], zone: [CORE, 'zoneResolver'] },
    run: (input: { tags: string; key: string; headers: string }, { verify, zone }) =>
      verify(Buffer.from(`DKIM-Signature: ${input.tags}\r\n${input.headers}\r\n\r\nHello.\r\n`), {
        dns: zone({ 's1._domainkey.example.com': { TXT: [input.key] } }),
        now: new Date(0),
      }),
    arbitrary: fc.record({ tags: tagList, key: keyRecord, headers: headerBlock }),
  })

  fuzzTarget({
    name: 'computeEmailAuth (ARC)',
    imports: { compute: [CORE, 'computeEmailAuth'], zone: [CORE, 'zoneResolver'] },
    run: (input: { seal: string; signature: string; results: string }, { compute, zone }) =>
      compute(
        Buffer.from(
          `ARC-Seal: ${input.seal}\r\nARC-Message-Signature: ${input.signature}\r\nARC-Authentication-Results: ${input.results}\r\nFrom: a@example.com\r\nSubject: x\r\n\r\nHello.\r\n`,
        ),
        { mailFrom: 'a@example.com', rcptTo: ['b@inbox.test'], heloName: 'mail.example.com' },
        { ip: '203.0.113.10', dns: zone({}) },
        { now: new Date(0) },
      ),
    arbitrary: fc.record({ seal: tagList, signature: tagList, results: authenticationResults }),
    runs: 1500,
  })

  fuzzTarget({
    name: 'parseZoneFile',
    imports: { parse: [CORE, 'parseZoneFile'] },
    run: (input: string, { parse }) => parse(input, 'fuzz.zone'),
    arbitrary: pieces([
      '\n',
      ' ',
      '\t',
      '$ORIGIN example.com.',
      '$TTL 300',
      '@',
      'www',
      'a.b.',
      'IN',
      '300',
      'TXT',
      'A',
      'AAAA',
      'MX',
      'CNAME',
      'PTR',
      'ERROR',
      'SRV',
      'TIMEOUT',
      'SERVFAIL',
      '"v=spf1 -all"',
      '"',
      '\\',
      '\\065',
      '\\999',
      '(',
      ')',
      ';',
      '203.0.113.1',
      '2001:db8::1',
      '10 mail',
      '.',
    ]),
  })

  fuzzTarget({
    name: 'checkDnsRecords',
    imports: { check: [CORE, 'checkDnsRecords'] },
    run: (input: unknown, { check }) => check(input, 'fuzz.json'),
    arbitrary: fc.oneof(
      anyJson,
      fc.dictionary(
        fc.constantFrom('example.com', 'a.test', ''),
        fc.dictionary(
          fc.constantFrom('TXT', 'A', 'AAAA', 'MX', 'CNAME', 'PTR', 'error', 'SRV'),
          fc.oneof(
            fc.array(fc.oneof(fc.string(), fc.integer())),
            fc.constantFrom('TIMEOUT', 'SERVFAIL', 'NXDOMAIN', 'x'),
          ),
        ),
      ),
    ),
  })

  fuzzTarget({
    name: 'SmtpReplyReader',
    imports: { Reader: [CORE, 'SmtpReplyReader'], events: ['node:events', 'EventEmitter'] },
    run: async (chunks: string[], { Reader, events }) => {
      const socket = new events()
      const reader = new Reader(socket)
      for (const chunk of chunks) socket.emit('data', Buffer.from(chunk))
      socket.emit('close')
      for (;;) await reader.next(50)
    },
    arbitrary: fc.array(
      pieces([
        '220',
        '250',
        '250-',
        '354',
        ' ',
        '-',
        'ok',
        'PIPELINING',
        '\r\n',
        '\n',
        '\r',
        '999',
        '2',
        'x',
      ]),
      { maxLength: 6 },
    ),
  })

  fuzzTarget({
    name: 'resolveEnvironment (config)',
    imports: { resolve: [CORE, 'resolveEnvironment'] },
    run: (input: { config: unknown; env: Record<string, string> }, { resolve }) =>
      resolve(input.config, { env: input.env }),
    arbitrary: fc.record({
      config: fc.oneof(
        anyJson,
        fc.record(
          {
            default: fc.constantFrom('sandbox', 'staging', 'x'),
            environments: fc.dictionary(
              fc.constantFrom('sandbox', 'staging', '__proto__', 'constructor'),
              fc.oneof(
                anyJson,
                fc.record(
                  {
                    inbox: fc.oneof(
                      anyJson,
                      fc.record(
                        {
                          type: fc.constantFrom('local', 'server', 'graph', 'imap', 'container', 'x'),
                          url: fc.string(),
                          server: fc.constantFrom('mailpit', 'maildev', 'x'),
                          ports: anyJson,
                          host: fc.string(),
                          user: fc.oneof(
                            fc.string(),
                            fc.record({ env: fc.constantFrom('A', 'MISSING', '') }),
                          ),
                          mailbox: fc.string(),
                        },
                        { requiredKeys: ['type'] },
                      ),
                    ),
                    transport: anyJson,
                    allowRecipients: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), anyJson),
                    profile: anyJson,
                    timeouts: anyJson,
                  },
                  { requiredKeys: [] },
                ),
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      env: fc.record(
        { A: fc.string(), MAILWRIGHT_ENV: fc.constantFrom('', 'sandbox', 'staging', 'nope') },
        { requiredKeys: [] },
      ),
    }),
  })

  fuzzTarget({
    name: 'decodeUtf7 and the UTF-7 transcoder',
    imports: { parse: [CORE, 'parseEmail'] },
    run: (input: string, { parse }) =>
      parse(
        Buffer.from(
          `Subject: =?utf-7?Q?${input.replace(/[?\s]/g, '_')}?=\r\nContent-Type: text/plain; charset=utf-7\r\n\r\n${input}\r\n`,
        ),
        {
          id: 'f',
          envelope: { mailFrom: 'a@example.com', rcptTo: ['b@inbox.test'] },
          receivedAt: new Date(0),
        },
      ),
    arbitrary: pieces(['+', '-', '+-', '+AOk', '+AOk-', '+2D3cAA-', '+///', 'A', '=', '\r\n', '--b', 'é']),
    throws: 'never',
    runs: 1000,
  })
})

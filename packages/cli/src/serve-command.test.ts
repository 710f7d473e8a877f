import { execFile } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { connectInbox } from '@mailwright/core'
import { generateDkimKey } from '@mailwright/core/testing'
import nodemailer from 'nodemailer'
import { describe, expect, it } from 'vitest'
import { startCli, untilOutput } from './cli-process.test-util.js'
import { parseDuration, parseSize } from './parse-size.js'
import { serveCommand } from './serve-command.js'

describe('mailwright serve', () => {
  it('prints where it listens, captures mail, and stops cleanly on SIGTERM', async () => {
    const cli = startCli([
      'serve',
      '--smtp-port',
      '0',
      '--http-port',
      '0',
      '--domain',
      'qa.test',
      '--max-size',
      '1MB',
    ])
    const smtp = await untilOutput(() =>
      cli.output().match(/SMTP {2}127\.0\.0\.1:(\d+) \(STARTTLS offered, AUTH optional\)/),
    )
    const http = await untilOutput(() => cli.output().match(/Web UI {2}(http:\/\/127\.0\.0\.1:\d+)\//))
    expect(cli.output()).toContain(`HTTP API  ${http[1]}/api`)
    const ui = await fetch(`${http[1]}/`)
    expect([ui.status, ui.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8'])
    const inbox = await connectInbox(http[1] as string, { name: 'cli' })
    expect(inbox.address).toMatch(/^cli\+\w{6}@qa\.test$/)
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(smtp[1]),
      tls: { rejectUnauthorized: false },
    })
    await transport.sendMail({ from: 'a@example.com', to: inbox.address, subject: 'via cli', text: 'x' })
    expect((await inbox.waitForEmail()).subject).toBe('via cli')
    const tooBig = await transport
      .sendMail({
        from: 'a@example.com',
        to: inbox.address,
        subject: 'big',
        text: 'x'.repeat(2 * 1024 * 1024),
      })
      .catch((e: { responseCode: number }) => e)
    expect((tooBig as { responseCode: number }).responseCode).toBe(552)
    cli.child.kill('SIGTERM')
    const code = await cli.exited
    expect({ code, output: cli.output() }).toMatchObject({
      code: 0,
      output: expect.stringContaining('Mailwright inbox stopped.'),
    })
  })

  it('writes its certificate with --ca-file, so a Node app with default TLS settings upgrades to STARTTLS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-serve-ca-'))
    const caFile = join(dir, 'inbox-ca.pem')
    const cli = startCli(['serve', '--smtp-port', '0', '--http-port', '0', '--ca-file', caFile])
    const smtp = await untilOutput(() => cli.output().match(/SMTP {2}127\.0\.0\.1:(\d+)/))
    const http = await untilOutput(() => cli.output().match(/HTTP API {2}(http:\/\/127\.0\.0\.1:\d+)\/api/))
    expect(cli.output()).toContain(`Certificate  ${caFile} (trust it: NODE_EXTRA_CA_CERTS=${caFile})`)
    const inbox = await connectInbox(http[1] as string, { name: 'tls' })
    // An application as written for production: nodemailer's defaults, certificate checks on.
    const app = `import nodemailer from 'nodemailer'
const info = await nodemailer.createTransport({ host: '127.0.0.1', port: ${smtp[1]} })
  .sendMail({ from: 'a@example.com', to: '${inbox.address}', subject: 'over TLS', text: 'x' })
console.log(info.response)`
    const send = (env: NodeJS.ProcessEnv) =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', app], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, ...env },
      }).then(
        (r) => r.stdout,
        (e: { stderr: string }) => e.stderr,
      )
    expect(await send({ NODE_EXTRA_CA_CERTS: '' })).toMatch(/self-signed certificate/)
    expect(await send({ NODE_EXTRA_CA_CERTS: caFile })).toMatch(/^250 /)
    const email = await inbox.waitForEmail({ subject: 'over TLS' })
    expect(email.envelope.tls?.protocol).toMatch(/^TLSv1\.[23]$/)
    cli.child.kill('SIGTERM')
    await cli.exited
    expect(existsSync(caFile)).toBe(false)
  })

  it('says what holds its port when another inbox already listens there', async () => {
    const first = startCli(['serve', '--smtp-port', '0', '--http-port', '0', '--fingerprint', 'first-run'])
    const smtp = await untilOutput(() => first.output().match(/SMTP {2}127\.0\.0\.1:(\d+)/))
    const http = await untilOutput(() => first.output().match(/HTTP API {2}http:\/\/127\.0\.0\.1:(\d+)\/api/))
    const second = startCli(['serve', '--smtp-port', smtp[1] as string, '--http-port', http[1] as string])
    expect(await second.exited).toBe(1)
    expect(second.output()).toContain(
      `mailwright serve: SMTP port ${smtp[1]} on 127.0.0.1 is already in use by a Mailwright inbox`,
    )
    expect(second.output()).toContain('(configuration first-run), perhaps left over from an earlier run')
    first.child.kill('SIGTERM')
    await first.exited
  })

  it('judges verdicts with --sender-ip and a --dns zone file', async () => {
    const key = generateDkimKey()
    const dir = mkdtempSync(join(tmpdir(), 'mailwright-serve-dns-'))
    writeFileSync(
      join(dir, 'dns.zone'),
      `$ORIGIN shop.test.\n@ TXT "v=spf1 ip4:203.0.113.10 -all"\ns1._domainkey TXT "${key.record}"\n_dmarc TXT "v=DMARC1; p=quarantine"\n`,
    )
    const cli = startCli([
      'serve',
      '--smtp-port',
      '0',
      '--http-port',
      '0',
      '--sender-ip',
      '203.0.113.10',
      '--dns',
      join(dir, 'dns.zone'),
    ])
    const smtp = await untilOutput(() => cli.output().match(/SMTP {2}127\.0\.0\.1:(\d+)/))
    const http = await untilOutput(() => cli.output().match(/HTTP API {2}(http:\/\/127\.0\.0\.1:\d+)\/api/))
    await untilOutput(() =>
      cli.output().match(/Verdicts {2}SPF\/DKIM\/DMARC as sent from 203\.0\.113\.10 \(DNS: .*dns\.zone\)/),
    )
    const inbox = await connectInbox(http[1] as string)
    await nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: Number(smtp[1]),
        ignoreTLS: true,
        dkim: { domainName: 'shop.test', keySelector: 's1', privateKey: key.privateKey },
      })
      .sendMail({ from: 'orders@shop.test', to: inbox.address, subject: 'Order', text: 'x' })
    const email = await inbox.waitForEmail()
    expect(email.auth?.dmarc).toMatchObject({ result: 'pass', policy: 'quarantine', domain: 'shop.test' })
    cli.child.kill('SIGTERM')
    await cli.exited
  })

  it('misbehaves for every session with --fault, and says so loudly', async () => {
    const cli = startCli([
      'serve',
      '--smtp-port',
      '0',
      '--http-port',
      '0',
      '--no-tls',
      '--fault',
      'greylist:0s',
      '--fault',
      '{"stage":"data","reply":"451 4.3.0 Try DATA again","times":1}',
      '--fault',
      'office365-quota',
    ])
    const smtp = await untilOutput(() => cli.output().match(/SMTP {2}127\.0\.0\.1:(\d+)/))
    await untilOutput(() => cli.output().match(/Stop with Ctrl\+C/))
    expect(cli.output()).toContain(
      [
        '  !!! FAULTS ON: every SMTP session and every address gets these, in order (--fault):',
        '  !!!   1. greylisted for 0 ms at RCPT TO',
        '  !!!   2. "451 4.3.0 Try DATA again" at DATA, 1 time',
        '  !!!   3. "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException" at the end of the message',
      ].join('\n'),
    )
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(smtp[1]),
      ignoreTLS: true,
    })
    const replies: string[] = []
    for (const _ of [1, 2, 3]) {
      await transport
        .sendMail({ from: 'a@example.com', to: 'anyone@inbox.test', subject: 'x', text: 'x' })
        .catch((error: { response: string }) => replies.push(error.response))
    }
    expect(replies).toEqual([
      '451 4.7.1 Greylisted: this is a first attempt; please try again later',
      '451 4.3.0 Try DATA again',
      '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException',
    ])
    cli.child.kill('SIGTERM')
    await cli.exited
  })

  it('refuses a --fault it cannot read, naming it', async () => {
    const bad = startCli(['serve', '--smtp-port', '0', '--http-port', '0', '--fault', 'rcpt:250 OK'])
    await bad.exited
    expect(bad.output()).toMatch(
      /--fault rcpt:250 OK: Invalid faults\[0\]\.reply: "250 OK"\. Expected a 4xx or 5xx SMTP reply/,
    )
    const unitless = startCli(['serve', '--smtp-port', '0', '--http-port', '0', '--fault', 'rcpt:delay=1500'])
    await unitless.exited
    expect(unitless.output()).toMatch(
      /--fault "rcpt:delay=1500" is not a fault;.*durations with a unit: 1500ms, 30s/,
    )
    const worse = startCli(['serve', '--smtp-port', '0', '--http-port', '0', '--fault', 'sometimes'])
    await worse.exited
    expect(worse.output()).toMatch(/--fault "sometimes" is not a fault; use a preset \(office365-throttling/)
  })

  it('stops on SIGINT too', async () => {
    const cli = startCli(['serve', '--smtp-port', '0', '--http-port', '0', '--no-tls', '--auth', 'off'])
    await untilOutput(() => cli.output().match(/SMTP .*\(no STARTTLS, AUTH off\)/))
    cli.child.kill('SIGINT')
    const code = await cli.exited
    expect({ code, output: cli.output() }).toMatchObject({
      code: 0,
      output: expect.stringContaining('Mailwright inbox stopped.'),
    })
  })

  it.each([
    [['serve', '--smtp-port', 'abc'], /--smtp-port "abc" is not a port/],
    [['serve', '--max-size', 'huge'], /--max-size "huge" is not a size/],
    [['serve', '--auth', 'maybe'], /--auth "maybe" is not a mode; use off, optional or required/],
    [['serve', '--tls-cert', 'x.pem'], /--tls-cert and --tls-key go together/],
    [['serve', '--bogus'], /Unknown option '--bogus'.*mailwright serve --help/],
    [['serve', '--sender-ip', 'nope'], /--sender-ip "nope" is not an IP address/],
    [['serve', '--dns', 'x.zone'], /--dns and --sender-helo need --sender-ip/],
    [
      ['serve', '--sender-ip', '203.0.113.10', '--dns', '/nonexistent/dns.zone'],
      /--dns Cannot read the DNS zone \/nonexistent\/dns\.zone/,
    ],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('refuses %j with exit code 2 and says what to do', async (args, message) => {
    const cli = startCli(args)
    expect(await cli.exited).toBe(2)
    expect(cli.output()).toMatch(message)
  })

  it('prints help', async () => {
    const cli = startCli(['serve', '--help'])
    expect(await cli.exited).toBe(0)
    expect(cli.output()).toContain('Usage: mailwright serve [options]')
  })
})

describe('mailwright serve and signals', () => {
  it('stops gracefully on the first signal and exits at once on the second', async () => {
    const signals = new EventEmitter()
    const lines: string[] = []
    const exits: number[] = []
    await serveCommand(['--smtp-port', '0', '--http-port', '0', '--no-tls'], {
      out: (line) => lines.push(line),
      signals,
      exit: (code) => exits.push(code),
    })
    signals.emit('SIGTERM', 'SIGTERM')
    signals.emit('SIGINT', 'SIGINT')
    expect(exits).toEqual([130])
    expect(lines).toContain(
      'SIGTERM: stopping (open SMTP sessions get 421, pending waits an answer); SIGTERM again exits at once.',
    )
    expect(lines).toContain('Second SIGINT: exiting without waiting.')
    await untilOutput(() => lines.join('\n').match(/Mailwright inbox stopped\./))
  })

  it('refuses an --allow-origin that is not an origin', async () => {
    await expect(serveCommand(['--allow-origin', 'localhost:5173'], { out: () => {} })).rejects.toThrow(
      '--allow-origin "localhost:5173" is not an origin; give scheme, host and port only, e.g. http://localhost:5173.',
    )
  })
})

describe('parseSize / parseDuration', () => {
  it('reads units', () => {
    expect([
      parseSize('25MB'),
      parseSize('512kb'),
      parseSize('100'),
      parseSize('1.5g'),
      parseSize('ten'),
    ]).toEqual([25 * 1024 ** 2, 512 * 1024, 100, 1.5 * 1024 ** 3, undefined])
    expect([
      parseDuration('90s'),
      parseDuration('30m'),
      parseDuration('2h'),
      parseDuration('5'),
      parseDuration('1w'),
    ]).toEqual([90_000, 1_800_000, 7_200_000, 5000, undefined])
  })
})

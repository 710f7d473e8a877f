import { connect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { freePort, parseDeliveryReport, parseEmail, zoneResolver } from '@mailwright/core'
import { explainSmtpReply } from '@mailwright/core/internal'
import nodemailer from 'nodemailer'
import type { Transporter } from 'nodemailer/lib/mailer'
import { afterEach, describe, expect, it } from 'vitest'
import { type StartedOffice365Emulator, startOffice365Emulator } from './start-office365-emulator.js'
import { type EmulatedApp, rolesFor, type TenantModel, tenantModel } from './tenant-model.js'

const APP = 'app-0001'
const tenant = (overrides: Partial<TenantModel> = {}) =>
  tenantModel({
    domain: 'contoso.test',
    smtpAuthDisabled: false,
    mailboxes: { 'qa@contoso.test': { fullAccessApps: [APP], password: 'basic-pass' } },
    apps: { [APP]: { clientSecret: 'app-secret', roles: ['SMTP.SendAsApp'], servicePrincipal: true } },
    ...overrides,
  })

let exo: StartedOffice365Emulator | undefined
afterEach(async () => {
  await exo?.stop()
  exo = undefined
})

async function token(
  emulator: StartedOffice365Emulator,
  overrides: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emulator.loginUrl}/${emulator.tenant.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: APP,
      client_secret: 'app-secret',
      scope: 'https://outlook.office365.com/.default',
      ...overrides,
    }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const oauthTransport = (emulator: StartedOffice365Emulator, accessToken: string, user = 'qa@contoso.test') =>
  nodemailer.createTransport({
    host: emulator.smtp.host,
    port: emulator.smtp.port,
    requireTLS: true,
    tls: { ca: emulator.smtp.ca, servername: 'smtp.office365.com' },
    auth: { type: 'OAuth2', user, accessToken },
  })

const send = (transport: Transporter, from = 'qa@contoso.test') =>
  transport.sendMail({ from, to: 'qa+t1@contoso.test', subject: 'Hello', text: 'Hi' }).then(
    (info) => info.response as string,
    (error: { response?: string; message: string }) => error.response ?? error.message,
  )

/** A line-level client that can STARTTLS, for checking exact replies. */
class Wire {
  #socket: Socket
  #buffer = ''
  private constructor(socket: Socket) {
    this.#socket = socket
    this.#attach()
  }
  static async open(port: number): Promise<Wire> {
    const socket = connect(port, '127.0.0.1')
    await new Promise((r) => socket.once('connect', r))
    const wire = new Wire(socket)
    await wire.reply()
    return wire
  }
  #attach() {
    this.#socket.on('data', (d) => {
      this.#buffer += d.toString()
    })
  }
  async reply(): Promise<string> {
    for (let i = 0; i < 500; i++) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3} [^\n]*\n/.exec(this.#buffer)
      if (m) {
        this.#buffer = this.#buffer.slice(m[0].length)
        return m[0].trimEnd()
      }
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error(`no reply; have ${JSON.stringify(this.#buffer)}`)
  }
  async send(line: string): Promise<string> {
    this.#socket.write(`${line}\r\n`)
    return this.reply()
  }
  async starttls(ca: string): Promise<void> {
    expect(await this.send('STARTTLS')).toBe('220 2.0.0 SMTP server ready')
    const secure = tlsConnect({ socket: this.#socket, ca, servername: 'smtp.office365.com' })
    await new Promise((r) => secure.once('secureConnect', r))
    this.#socket = secure
    this.#attach()
  }
  close() {
    this.#socket.destroy()
  }
}

describe('Office 365 emulator: submission endpoint', () => {
  it('greets and lists extensions like Exchange Online; AUTH only after STARTTLS; PLAIN refused; MAIL needs AUTH', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const wire = await Wire.open(exo.smtp.port)
    const before = await wire.send('EHLO client.test')
    expect(before).toMatch(
      /^250-AM0PR01MB0001\.eurprd01\.prod\.outlook\.com Hello \[127\.0\.0\.1\]\r\n250-SIZE 157286400\r\n250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n/,
    )
    expect(before).not.toMatch(/AUTH/)
    expect(await wire.send('AUTH LOGIN')).toMatch(/^504 5\.7\.4 Unrecognized authentication type/)
    await wire.starttls(exo.smtp.ca)
    expect(await wire.send('MAIL FROM:<qa@contoso.test>')).toBe('503 5.5.2 Send hello first')
    const after = await wire.send('EHLO client.test')
    expect(after).toContain('250-AUTH LOGIN XOAUTH2')
    expect(after).not.toContain('STARTTLS')
    expect(after.split('\r\n').at(-1)).toBe('250 SMTPUTF8')
    expect(await wire.send('AUTH PLAIN AHFhAHg=')).toMatch(/^504 5\.7\.4/)
    expect(await wire.send('AUTH LOGIN')).toBe('334 VXNlcm5hbWU6')
    expect(await wire.send(Buffer.from('qa@contoso.test').toString('base64'))).toBe('334 UGFzc3dvcmQ6')
    const basic = await wire.send(Buffer.from('basic-pass').toString('base64'))
    expect(basic).toMatch(/^535 5\.7\.139 Authentication unsuccessful, basic authentication is disabled\./)
    expect(await wire.send('MAIL FROM:<qa@contoso.test>')).toBe(
      `530 5.7.57 Client not authenticated to send mail. [AM0PR01MB0001.eurprd01.prod.outlook.com] Error: ${basic}`,
    )
    wire.close()
  })

  it('accepts XOAUTH2 two-step and decodes it exactly; refuses malformed data', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const good = (await token(exo)).body.access_token as string
    const wire = await Wire.open(exo.smtp.port)
    await wire.send('EHLO c')
    await wire.starttls(exo.smtp.ca)
    await wire.send('EHLO c')
    expect(await wire.send('AUTH XOAUTH2')).toBe('334')
    expect(await wire.send(Buffer.from('user=qa@contoso.test auth=Bearer x').toString('base64'))).toBe(
      '501 5.5.4 Invalid arguments',
    )
    expect(await wire.send('AUTH XOAUTH2')).toBe('334')
    expect(
      await wire.send(Buffer.from(`user=qa@contoso.test\x01auth=Bearer ${good}\x01\x01`).toString('base64')),
    ).toBe('235 2.7.0 Authentication successful')
    expect(await wire.send('AUTH XOAUTH2')).toBe('503 5.5.2 Auth command already specified')
    wire.close()
  })

  it('submits with a client-credentials token through nodemailer and answers with an id', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const issued = await token(exo)
    expect(issued).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 3599 } })
    const response = await send(oauthTransport(exo, issued.body.access_token as string))
    expect(response).toMatch(
      /^250 2\.0\.0 OK <[0-9A-F-]{36}@AM0PR01MB0001\.eurprd01\.prod\.outlook\.com> \[Hostname=AM0PR01MB0001\.eurprd01\.prod\.outlook\.com\]$/,
    )
    expect(exo.submitted).toHaveLength(1)
    expect(exo.submitted[0]).toMatchObject({
      authenticatedAs: 'qa@contoso.test',
      rcptTo: ['qa+t1@contoso.test'],
    })
  })

  it('token endpoint errors read like Entra ID', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    expect((await token(exo, { client_secret: 'wrong' })).body.error_description).toMatch(
      /^AADSTS7000215: Invalid client secret provided/,
    )
    expect((await token(exo, { client_id: 'nope' })).body.error_description).toMatch(
      /^AADSTS700016: Application with identifier 'nope' was not found/,
    )
    expect(
      (await token(exo, { scope: 'https://outlook.office.com/SMTP.Send' })).body.error_description,
    ).toMatch(/^AADSTS70011/)
  })

  // Each tenant switch gives the reply Exchange Online gives, which the explainer recognises.
  it.each([
    [
      'SMTP AUTH disabled for the tenant',
      { smtpAuthDisabled: true },
      {},
      'SMTP AUTH disabled for the tenant',
    ],
    [
      'SMTP AUTH disabled for the mailbox',
      { mailboxes: { 'qa@contoso.test': { fullAccessApps: [APP], smtpAuthDisabled: true } } },
      {},
      'SMTP AUTH disabled for the mailbox',
    ],
    [
      'token without SMTP.SendAsApp',
      { apps: { [APP]: { clientSecret: 'app-secret', roles: [], servicePrincipal: true } } },
      {},
      'Authentication unsuccessful',
    ],
    [
      'service principal not registered',
      { apps: { [APP]: { clientSecret: 'app-secret', roles: ['SMTP.SendAsApp'], servicePrincipal: false } } },
      {},
      'Authentication unsuccessful',
    ],
    [
      'no FullAccess on the mailbox',
      { mailboxes: { 'qa@contoso.test': {} } },
      {},
      'Authentication unsuccessful',
    ],
    ['Send As missing, checked after DATA', {}, { from: 'ceo@contoso.test' }, 'Send As denied after DATA'],
    [
      'Send As missing, checked at MAIL FROM',
      { sendAsCheck: 'mail-from' as const },
      { from: 'ceo@contoso.test' },
      'No Send As permission',
    ],
    ['recipient quota used up', { recipientQuota: 0 }, {}, 'Recipient quota exceeded'],
    [
      'rate limit in reject mode',
      { ratePerMinute: 0, rateMode: 'reject' as const },
      {},
      'Server busy (throttled)',
    ],
    ['message over the size limit', { maxSize: 10 }, {}, 'Message too large'],
  ])('%s', async (_name, overrides, message, title) => {
    exo = await startOffice365Emulator({ tenant: tenant(overrides as Partial<TenantModel>) })
    const accessToken = exo.issueToken({
      aud: 'https://outlook.office365.com',
      tid: exo.tenant.tenantId,
      appid: APP,
      roles: rolesFor(exo.tenant.apps[APP] as EmulatedApp, 'https://outlook.office365.com'),
    })
    const reply = await send(oauthTransport(exo, accessToken), (message as { from?: string }).from)
    expect(explainSmtpReply(reply)?.title).toBe(title)
    expect(exo.submitted).toHaveLength(0)
  })

  it('refuses a token for another audience', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const graphToken = (await token(exo, { scope: 'https://graph.microsoft.com/.default' })).body
      .access_token as string
    expect(await send(oauthTransport(exo, graphToken))).toMatch(/^535 5\.7\.3 Authentication unsuccessful/)
  })

  it('limits the connections sending at once per mailbox to 3, at MAIL FROM, never at AUTH', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const accessToken = (await token(exo)).body.access_token as string
    const xoauth = Buffer.from(`user=qa@contoso.test\x01auth=Bearer ${accessToken}\x01\x01`).toString(
      'base64',
    )
    const auth: string[] = []
    const mail: string[] = []
    const wires: Wire[] = []
    for (let i = 0; i < 4; i++) {
      const wire = await Wire.open(exo.smtp.port)
      await wire.send('EHLO c')
      await wire.starttls(exo.smtp.ca)
      await wire.send('EHLO c')
      auth.push(await wire.send(`AUTH XOAUTH2 ${xoauth}`))
      mail.push(await wire.send('MAIL FROM:<qa@contoso.test>'))
      wires.push(wire)
    }
    expect(auth).toEqual(Array(4).fill('235 2.7.0 Authentication successful'))
    expect(mail).toEqual([
      ...Array(3).fill('250 2.1.0 Sender OK'),
      '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded',
    ])
    // One sender ends its transaction: the fourth connection's retry goes through.
    expect(await (wires[0] as Wire).send('RSET')).toBe('250 2.0.0 Resetting')
    expect(await (wires[3] as Wire).send('MAIL FROM:<qa@contoso.test>')).toBe('250 2.1.0 Sender OK')
    for (const w of wires) w.close()
  })

  it('takes a MAIL FROM pipelined behind the end of a message after answering it, leaking no sender slot', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const accessToken = (await token(exo)).body.access_token as string
    const xoauth = Buffer.from(`user=qa@contoso.test\x01auth=Bearer ${accessToken}\x01\x01`).toString(
      'base64',
    )
    const open = async () => {
      const wire = await Wire.open((exo as StartedOffice365Emulator).smtp.port)
      await wire.send('EHLO c')
      await wire.starttls((exo as StartedOffice365Emulator).smtp.ca)
      await wire.send('EHLO c')
      expect(await wire.send(`AUTH XOAUTH2 ${xoauth}`)).toBe('235 2.7.0 Authentication successful')
      return wire
    }
    const first = await open()
    for (let round = 0; round < 3; round++) {
      expect(await first.send('MAIL FROM:<qa@contoso.test>')).toBe('250 2.1.0 Sender OK')
      expect(await first.send('RCPT TO:<qa+p@contoso.test>')).toBe('250 2.1.5 Recipient OK')
      expect(await first.send('DATA')).toMatch(/^354 /)
      // The end of the message and the next transaction's MAIL FROM in one write, as a pipelining client sends.
      expect(await first.send('Subject: p\r\n\r\nx\r\n.\r\nMAIL FROM:<qa@contoso.test>')).toMatch(
        /^250 2\.0\.0 OK </,
      )
      expect(await first.reply()).toBe('250 2.1.0 Sender OK')
      expect(await first.send('RSET')).toBe('250 2.0.0 Resetting')
    }
    // Three other connections may still send at once: nothing was left counted.
    const others = await Promise.all([open(), open(), open()])
    for (const wire of others)
      expect(await wire.send('MAIL FROM:<qa@contoso.test>')).toBe('250 2.1.0 Sender OK')
    for (const w of [first, ...others]) w.close()
  })

  it('answers a TLS 1.0/1.1 client with 421 4.7.66 after its handshake, as Exchange Online does', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const transport = nodemailer.createTransport({
      host: exo.smtp.host,
      port: exo.smtp.port,
      requireTLS: true,
      tls: {
        ca: exo.smtp.ca,
        servername: 'smtp.office365.com',
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
        // OpenSSL offers TLS 1.0/1.1 only at security level 0: what an old client amounts to.
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
    })
    const error = (await transport
      .sendMail({ from: 'qa@contoso.test', to: 'a@contoso.test', text: 'x' })
      .catch((e) => e)) as Error & { response?: string }
    expect(error.response ?? error.message).toMatch(
      /^421 4\.7\.66 TLS 1\.0 and 1\.1 are not supported\. Please upgrade\/update your client to support TLS 1\.2\. Visit https:\/\/aka\.ms\/smtp_auth_tls\./,
    )
    expect(exo.submitted).toHaveLength(0)
  })
})

describe('fixed ports', () => {
  it('listens on the ports given, and a taken one fails clearly and releases the others', async () => {
    // A port found free can be taken by another test file's server before this one listens on it: the
    // test then tries another, as a user would (the behaviour under test is what happens on the port given).
    const onFreePort = async <T>(start: (port: number) => Promise<T>): Promise<[T, number]> => {
      for (let tries = 1; ; tries++) {
        const port = await freePort()
        try {
          return [await start(port), port]
        } catch (error) {
          if (tries >= 5 || !String(error).includes(`${port} is already in use`)) throw error
        }
      }
    }
    const [started, free] = await onFreePort((login) =>
      startOffice365Emulator({ tenant: tenant(), ports: { login } }),
    )
    exo = started
    expect(exo.loginUrl).toBe(`http://127.0.0.1:${free}`)
    const smtp = exo.smtp.port
    let spare = 0
    await onFreePort(async (graph) => {
      spare = graph
      const error = await startOffice365Emulator({ tenant: tenant(), ports: { smtp, graph } }).then(
        (unexpected) => unexpected.stop().then(() => new Error('started on a taken port')),
        (e: unknown) => e,
      )
      expect(String(error)).toMatch(
        new RegExp(`ports\\.smtp.*${smtp}.*already in use; stop the other server or choose another port`),
      )
    })
    // The graph port of the failed start was released: it can be taken again.
    const again = await startOffice365Emulator({ tenant: tenant(), ports: { graph: spare } })
    expect(again.graphUrl).toBe(`http://127.0.0.1:${spare}`)
    await again.stop()
  })
})

describe('Graph sendMail and folders', () => {
  const graphTenant = (roles: EmulatedApp['roles'] = ['SMTP.SendAsApp', 'Mail.Send', 'Mail.Read']) =>
    tenant({
      mailboxes: {
        'qa@contoso.test': { fullAccessApps: [APP], sendAs: ['noreply@contoso.test'] },
        'ops@contoso.test': { fullAccessApps: [APP] },
      },
      apps: { [APP]: { clientSecret: 'app-secret', roles, servicePrincipal: true } },
    })
  const graph = async (path: string, init: { method?: string; json?: unknown; body?: string } = {}) => {
    const { access_token } = (
      await token(exo as StartedOffice365Emulator, {
        scope: 'https://graph.microsoft.com/.default',
      })
    ).body as { access_token: string }
    const res = await fetch(`${exo?.graphUrl}/v1.0/users/${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${access_token}`,
        ...(init.json ? { 'content-type': 'application/json' } : { 'content-type': 'text/plain' }),
      },
      ...(init.json || init.body ? { body: init.json ? JSON.stringify(init.json) : init.body } : {}),
    })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
  }
  const message = (extra: Record<string, unknown> = {}) => ({
    subject: 'Welcome',
    body: { contentType: 'HTML', content: '<p>Hi <a href="https://contoso.test/v">verify</a></p>' },
    toRecipients: [{ emailAddress: { address: 'ops@contoso.test', name: 'Ops' } }],
    bccRecipients: [{ emailAddress: { address: 'qa+bcc@contoso.test' } }],
    internetMessageHeaders: [{ name: 'x-test-run', value: 'r1' }],
    attachments: [
      {
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: 'terms.txt',
        contentType: 'text/plain',
        contentBytes: Buffer.from('the terms').toString('base64'),
      },
    ],
    ...extra,
  })

  it('accepts the JSON message, delivers it as MIME, and keeps the copy in Sent Items', async () => {
    exo = await startOffice365Emulator({ tenant: graphTenant() })
    expect(
      (await graph('qa@contoso.test/sendMail', { method: 'POST', json: { message: message() } })).status,
    ).toBe(202)
    const [delivered] = exo.mailboxes.list('ops@contoso.test')
    const mime = delivered?.raw.toString() ?? ''
    expect(mime).toMatch(/^From: qa@contoso\.test$/m)
    expect(mime).toMatch(/^To: Ops <ops@contoso\.test>$/m)
    expect(mime).toMatch(/^x-test-run: r1$/im)
    expect(mime).not.toMatch(/^Bcc:/im)
    expect(mime).toContain('Content-Type: text/html')
    expect(mime).toMatch(/filename=terms\.txt/)
    // Bcc gets its copy; the sender keeps one in Sent Items, not in its Inbox.
    expect(exo.mailboxes.list('qa@contoso.test').map((m) => m.subject)).toEqual(['Welcome'])
    expect(exo.mailboxes.list('qa@contoso.test', 'sentitems').map((m) => m.subject)).toEqual(['Welcome'])
    const listed = await graph('qa@contoso.test/mailFolders/sentitems/messages')
    const folder = await graph('qa@contoso.test/mailFolders/sentitems')
    expect((listed.body.value as Array<{ parentFolderId: string }>)[0]?.parentFolderId).toBe(folder.body.id)
  })

  it('saves nothing to Sent Items when asked, and sends as another address only with Send As', async () => {
    exo = await startOffice365Emulator({ tenant: graphTenant() })
    const noCopy = { message: message({ bccRecipients: [] }), saveToSentItems: false }
    expect((await graph('qa@contoso.test/sendMail', { method: 'POST', json: noCopy })).status).toBe(202)
    expect(exo.mailboxes.list('qa@contoso.test', 'sentitems')).toHaveLength(0)
    const asNoreply = message({ from: { emailAddress: { address: 'noreply@contoso.test' } } })
    expect(
      (await graph('qa@contoso.test/sendMail', { method: 'POST', json: { message: asNoreply } })).status,
    ).toBe(202)
    const asCeo = message({ from: { emailAddress: { address: 'ceo@contoso.test' } } })
    expect(
      await graph('qa@contoso.test/sendMail', { method: 'POST', json: { message: asCeo } }),
    ).toMatchObject({
      status: 403,
      body: { error: { code: 'ErrorSendAsDenied' } },
    })
  })

  it('refuses what Graph refuses: no recipient, a header that is not x-, malformed JSON', async () => {
    exo = await startOffice365Emulator({ tenant: graphTenant() })
    const post = (json: unknown) => graph('qa@contoso.test/sendMail', { method: 'POST', json })
    expect(await post({ message: message({ toRecipients: [], bccRecipients: [] }) })).toMatchObject({
      status: 400,
      body: { error: { code: 'ErrorInvalidRecipients' } },
    })
    expect(
      await post({ message: message({ internetMessageHeaders: [{ name: 'Reply-To', value: 'x@y.test' }] }) }),
    ).toMatchObject({
      status: 400,
      body: {
        error: { code: 'InvalidInternetMessageHeader', message: expect.stringContaining("'Reply-To'") },
      },
    })
    const broken = await fetch(`${exo.graphUrl}/v1.0/users/qa@contoso.test/sendMail`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${((await token(exo, { scope: 'https://graph.microsoft.com/.default' })).body as { access_token: string }).access_token}`,
        'content-type': 'application/json',
      },
      body: '{"message":',
    })
    expect(broken.status).toBe(400)
    expect(exo.mailboxes.list('ops@contoso.test')).toHaveLength(0)
  })

  it('answers 202 over the recipient quota, then returns the message in a non-delivery report (5.2.2)', async () => {
    exo = await startOffice365Emulator({ tenant: { ...graphTenant(), recipientQuota: 2 } })
    const post = (subject: string) =>
      graph('qa@contoso.test/sendMail', {
        method: 'POST',
        json: { message: message({ subject, bccRecipients: [] }) },
      })
    expect((await post('One')).status).toBe(202)
    expect((await post('Two')).status).toBe(202)
    expect((await post('Three')).status).toBe(202)
    expect(exo.mailboxes.list('ops@contoso.test').map((m) => m.subject)).toEqual(['One', 'Two'])
    const [ndr] = exo.mailboxes.list('qa@contoso.test')
    const report = parseDeliveryReport(
      await parseEmail(ndr?.raw as Buffer, {
        id: 'n',
        envelope: { mailFrom: '', rcptTo: [] },
        receivedAt: new Date(),
      }),
    )
    expect(report).toMatchObject({ originalSubject: 'Three', recipients: [{ status: '5.2.2' }] })
    expect(report?.recipients[0]?.explanation?.title).toBe('Submission quota exceeded')
  })

  it('refuses a request over 4 MB with 413, as Graph does', async () => {
    exo = await startOffice365Emulator({ tenant: graphTenant() })
    const big = message({
      bccRecipients: [],
      body: { contentType: 'Text', content: 'x'.repeat(5 * 1024 * 1024) },
    })
    expect(await graph('qa@contoso.test/sendMail', { method: 'POST', json: { message: big } })).toMatchObject(
      {
        status: 413,
        body: { error: { code: 'ErrorRequestEntityTooLarge' } },
      },
    )
    expect(exo.mailboxes.list('ops@contoso.test')).toHaveLength(0)
  })

  it('issues each resource only the roles granted on it: an app without a Graph grant is refused by Graph', async () => {
    exo = await startOffice365Emulator({ tenant: graphTenant(['SMTP.SendAsApp']) })
    const claims = (scope: string) =>
      token(exo as StartedOffice365Emulator, { scope }).then(({ body }) =>
        JSON.parse(Buffer.from(String(body.access_token).split('.')[1] as string, 'base64url').toString()),
      )
    expect((await claims('https://outlook.office365.com/.default')).roles).toEqual(['SMTP.SendAsApp'])
    expect((await claims('https://graph.microsoft.com/.default')).roles).toEqual([])
    expect(
      await graph('qa@contoso.test/sendMail', { method: 'POST', json: { message: message() } }),
    ).toMatchObject({
      status: 403,
      body: { error: { code: 'ErrorAccessDenied' } },
    })
  })
})

describe('after the 250: non-delivery reports and Junk Email', () => {
  const submit = async (
    emulator: StartedOffice365Emulator,
    mail: {
      to: string
      from?: string
      subject?: string
      text?: string
      attachments?: Array<{ filename: string; content: Buffer }>
    },
  ) => {
    const accessToken = (await token(emulator)).body.access_token as string
    return oauthTransport(emulator, accessToken).sendMail({
      from: 'qa@contoso.test',
      subject: mail.subject ?? 'Order shipped',
      text: mail.text ?? 'Your order shipped.',
      ...mail,
    })
  }
  const reportsIn = (emulator: StartedOffice365Emulator, mailbox: string) =>
    Promise.all(
      emulator.mailboxes.list(mailbox).map((m) =>
        parseEmail(m.raw, {
          id: m.id,
          envelope: { mailFrom: '', rcptTo: [mailbox] },
          receivedAt: new Date(),
        }),
      ),
    ).then((emails) => emails.flatMap((e) => parseDeliveryReport(e) ?? []))

  it('accepts mail to an address the tenant does not have, then bounces it to the sender (5.1.10)', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const info = await submit(exo, { to: 'nobody@contoso.test' })
    expect(info.response).toMatch(/^250 2\.0\.0 OK/)
    const [report] = await reportsIn(exo, 'qa@contoso.test')
    expect(report).toMatchObject({
      kind: 'dsn',
      bounced: true,
      originalMessageId: info.messageId,
      originalSubject: 'Order shipped',
      recipients: [{ recipient: 'nobody@contoso.test', action: 'failed', status: '5.1.10' }],
    })
    expect(report?.recipients[0]?.explanation?.title).toBe('Recipient not found')
  })

  it('bounces outside mail from a tenant whose IPs are not trusted (5.7.708), and mail over MaxSendSize (5.2.3)', async () => {
    exo = await startOffice365Emulator({ tenant: tenant({ outboundBlocked: true, maxSendSize: 2048 }) })
    await submit(exo, { to: 'ops@partner.test' })
    await submit(exo, {
      to: 'qa+big@contoso.test',
      subject: 'Big',
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(4096, 1) }],
    })
    const reports = await reportsIn(exo, 'qa@contoso.test')
    expect(
      reports.map((r) => [r.originalSubject, r.recipients[0]?.status, r.recipients[0]?.explanation?.title]),
    ).toEqual([
      ['Order shipped', '5.7.708', 'Traffic not accepted from this IP'],
      ['Big', '5.2.3', 'Message too large for the sender or recipient'],
    ])
    // Nothing over the sender's limit was delivered.
    expect(exo.mailboxes.list('qa@contoso.test').map((m) => m.subject)).toEqual([
      'Undeliverable: Order shipped',
      'Undeliverable: Big',
    ])
  })

  it('returns the report to the envelope sender: a shared mailbox sent as gets it, not the login', async () => {
    exo = await startOffice365Emulator({
      tenant: tenant({
        mailboxes: {
          'qa@contoso.test': { fullAccessApps: [APP], sendAs: ['shared@contoso.test'] },
          'shared@contoso.test': {},
        },
      }),
    })
    await submit(exo, { to: 'nobody@contoso.test', from: 'shared@contoso.test' })
    expect((await reportsIn(exo, 'shared@contoso.test')).map((r) => r.recipients[0]?.status)).toEqual([
      '5.1.10',
    ])
    expect(await reportsIn(exo, 'qa@contoso.test')).toEqual([])
  })

  it("files mail a tenant rule calls spam in Junk Email, with Exchange's spam verdict headers", async () => {
    exo = await startOffice365Emulator({ tenant: tenant({ junkRules: [{ subjectContains: 'prize' }] }) })
    await submit(exo, { to: 'qa+j@contoso.test', subject: 'You won a prize' })
    await submit(exo, { to: 'qa+j@contoso.test', subject: 'Your receipt' })
    expect(exo.mailboxes.list('qa@contoso.test', 'junkemail').map((m) => m.subject)).toEqual([
      'You won a prize',
    ])
    expect(exo.mailboxes.list('qa@contoso.test').map((m) => m.subject)).toEqual(['Your receipt'])
    const junk = exo.mailboxes.list('qa@contoso.test', 'junkemail')[0]?.raw.toString() ?? ''
    // Mail inside the organization is not spam-filtered: the tenant's rule marks it, as a mail flow rule does.
    expect(junk).toMatch(/^X-Forefront-Antispam-Report: .*SCL:5;.*SFV:SKS;.*CAT:SPM;/m)
    expect(junk).toMatch(/^X-MS-Exchange-Organization-SCL: 5$/m)
  })

  it('files spoofed mail from the internet in Junk Email (CAT:SPOOF), but never mail a tenant mailbox submitted', async () => {
    exo = await startOffice365Emulator({
      tenant: tenant(),
      stamp: { ip: '198.51.100.7', dns: zoneResolver({}) },
    })
    const direct = nodemailer.createTransport({
      host: exo.mx.host,
      port: exo.mx.port,
      tls: { ca: exo.mx.ca, servername: exo.mx.servername },
    })
    await direct.sendMail({
      from: 'ceo@fabrikam.test',
      to: 'qa+in@contoso.test',
      subject: 'Wire transfer',
      text: 'x',
    })
    await submit(exo, { to: 'qa+out@contoso.test', subject: 'From inside' })
    const spoof = exo.mailboxes.list('qa@contoso.test', 'junkemail')
    expect(spoof.map((m) => m.subject)).toEqual(['Wire transfer'])
    expect(spoof[0]?.raw.toString()).toMatch(
      /^X-Forefront-Antispam-Report: .*SCL:5;.*SFV:SPM;.*CAT:SPOOF;.*DIR:INB;/m,
    )
    const inside = exo.mailboxes.list('qa@contoso.test').find((m) => m.subject === 'From inside')
    expect(inside?.raw.toString()).toMatch(/^X-Forefront-Antispam-Report: .*SCL:-1;.*SFV:SKI;.*DIR:INT;/m)
  })
})

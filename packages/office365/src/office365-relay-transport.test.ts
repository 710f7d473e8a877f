import { Secret, SmtpSubmissionError } from '@mailwright/core'
import { generateCertificate, guardedTransport } from '@mailwright/core/internal'
import {
  type StartedOffice365Emulator,
  startOffice365Emulator,
  type TenantModel,
  tenantModel,
} from '@mailwright/office365-emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { office365RelayTransport } from './office365-relay-transport.js'
import { smtpTest } from './smtp-test.js'

const tenant = (overrides: Partial<TenantModel> = {}) =>
  tenantModel({ domain: 'contoso.test', mailboxes: { 'qa@contoso.test': {} }, ...overrides })

let exo: StartedOffice365Emulator | undefined
afterEach(async () => {
  await exo?.stop()
  exo = undefined
})

function relay(
  emulator: StartedOffice365Emulator,
  clientCertificate?: { cert: string; key: Secret },
  allowRecipients = ['*@contoso.test', '*@partner.test'],
) {
  const inner = office365RelayTransport({
    host: emulator.mx.host,
    port: emulator.mx.port,
    ca: emulator.mx.ca,
    servername: emulator.mx.servername,
    ...(clientCertificate ? { clientCertificate } : {}),
  })
  return guardedTransport(inner, { environment: 'staging', allowRecipients, retries: 0, backoffMs: 10 })
}

const internal = { from: 'app@contoso.test', to: 'qa+r1@contoso.test', subject: 'Relay', text: 'Hi' }
const external = { ...internal, to: 'someone@partner.test' }

async function refusal(promise: Promise<unknown>): Promise<SmtpSubmissionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SmtpSubmissionError)
  return error as SmtpSubmissionError
}

describe('Office 365 relay transport (against the emulator MX endpoint)', () => {
  it('the MX endpoint offers STARTTLS and never AUTH, before or after TLS', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const result = await smtpTest({
      host: exo.mx.host,
      port: exo.mx.port,
      starttls: true,
      ca: exo.mx.ca,
      servername: exo.mx.servername,
    })
    expect(result.tls?.authorized).toBe(true)
    expect(result.authMechanisms).toEqual([])
    expect(result.transcript.join('\n')).toMatch(/^S: 220 \S+\.mail\.protection\.outlook\.com /m)
  })

  it('relays to an outside recipient when an IP connector matches the sending address', async () => {
    exo = await startOffice365Emulator({
      tenant: tenant({ connectors: [{ name: 'App servers', senderIps: ['127.0.0.1'] }] }),
    })
    const result = await relay(exo).send(external)
    expect(result.response).toMatch(/^250 2\.0\.0 OK </)
    expect(exo.submitted.at(-1)).toMatchObject({
      via: 'connector',
      connector: 'App servers',
      mailFrom: 'app@contoso.test',
      rcptTo: ['someone@partner.test'],
    })
    expect(exo.submitted.at(-1)?.authenticatedAs).toBeUndefined()
  })

  it('relays with a certificate connector when the client certificate names an accepted domain', async () => {
    const client = generateCertificate('contoso.test')
    exo = await startOffice365Emulator({
      tenant: tenant({
        connectors: [{ name: 'Cert connector', certificateDomain: 'contoso.test' }],
        trustedCa: [client.cert],
      }),
    })
    await relay(exo, { cert: client.cert, key: new Secret('RELAY_KEY', client.key) }).send(external)
    expect(exo.submitted.at(-1)).toMatchObject({ via: 'connector', connector: 'Cert connector' })
  })

  it('refuses relay with 5.7.64 when the certificate is for another name, or not trusted', async () => {
    const wrongName = generateCertificate('other.test')
    const untrusted = generateCertificate('contoso.test')
    exo = await startOffice365Emulator({
      tenant: tenant({
        connectors: [{ name: 'Cert connector', certificateDomain: 'contoso.test' }],
        trustedCa: [wrongName.cert],
      }),
    })
    for (const certificate of [wrongName, untrusted]) {
      const key = new Secret('RELAY_KEY', certificate.key)
      const error = await refusal(relay(exo, { cert: certificate.cert, key }).send(external))
      expect(error.message).toContain('550 5.7.64 TenantAttribution; Relay Access Denied')
      expect(error.message).toMatch(/connector/i)
      expect(error.message).not.toContain(certificate.key.split('\n')[1] as string)
    }
    expect(exo.submitted).toHaveLength(0)
  })

  it('Direct send (no connector) reaches a tenant mailbox but not an outside recipient', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    await relay(exo).send(internal)
    expect(exo.submitted.at(-1)).toMatchObject({ via: 'direct-send', rcptTo: ['qa+r1@contoso.test'] })
    expect(exo.mailboxes.list('qa@contoso.test')).toHaveLength(1)
    const error = await refusal(relay(exo).send(external))
    expect(error.message).toContain('550 5.7.64')
  })

  it('RejectDirectSend refuses anonymous mail from an accepted domain with 5.7.68; a connector passes', async () => {
    exo = await startOffice365Emulator({ tenant: tenant({ rejectDirectSend: true }) })
    const error = await refusal(relay(exo).send(internal))
    expect(error.message).toContain('550 5.7.68 TenantInboundAttribution')
    await exo.stop()
    exo = await startOffice365Emulator({
      tenant: tenant({ rejectDirectSend: true, connectors: [{ name: 'IP', senderIps: ['127.0.0.1'] }] }),
    })
    await relay(exo).send(internal)
    expect(exo.submitted.at(-1)).toMatchObject({ via: 'connector' })
  })

  it('Directory-Based Edge Blocking refuses an unknown tenant recipient with 5.4.1 AS(201806281)', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    const error = await refusal(relay(exo).send({ ...internal, to: 'nobody@contoso.test' }))
    expect(error.message).toContain('550 5.4.1 Recipient address rejected: Access denied. AS(201806281)')
    expect(error.message).toContain('Directory-Based Edge Blocking')
    expect(error.message).toContain('plus addressing')
  })

  it('MX throttling answers 451 4.7.500 (AS761) past the per-IP rate', async () => {
    exo = await startOffice365Emulator({ tenant: tenant({ mxRatePerMinute: 1 }) })
    await relay(exo).send(internal)
    const error = await refusal(relay(exo).send(internal))
    expect(error.message).toContain('451 4.7.500 Server busy')
    expect(exo.submitted).toHaveLength(1)
  })

  it('the allowlist refuses before any connection', async () => {
    exo = await startOffice365Emulator({ tenant: tenant() })
    await expect(relay(exo, undefined, ['*@contoso.test']).send(external)).rejects.toThrow(
      /someone@partner\.test/,
    )
    expect(exo.smtpConnections).toBe(0)
  })
})

import { Secret } from '@mailwright/core'
import { startOffice365Emulator, tenantModel } from '@mailwright/office365-emulator'
import { describe, expect, it } from 'vitest'
import { createTokenProvider } from './token-provider.js'

describe('createTokenProvider (msal-node against the emulator)', () => {
  it('gets a client-credentials token MSAL accepts, cached on the second call', async () => {
    await using exo = await startOffice365Emulator({
      tenant: tenantModel({
        domain: 'contoso.test',
        apps: { app1: { clientSecret: 'the-secret', roles: ['SMTP.SendAsApp'], servicePrincipal: true } },
      }),
    })
    const tokens = createTokenProvider({
      tenantId: exo.tenant.tenantId,
      clientId: 'app1',
      clientSecret: new Secret('S', 'the-secret'),
      loginUrl: exo.loginUrl,
    })
    const first = await tokens.getToken('https://outlook.office365.com/.default')
    const claims = JSON.parse(Buffer.from(first.accessToken.split('.')[1] as string, 'base64url').toString())
    expect(claims).toMatchObject({
      aud: 'https://outlook.office365.com',
      appid: 'app1',
      roles: ['SMTP.SendAsApp'],
    })
    expect((await tokens.getToken('https://outlook.office365.com/.default')).accessToken).toBe(
      first.accessToken,
    )
  })

  it('says what Entra answered for a wrong secret, never the secret', async () => {
    await using exo = await startOffice365Emulator({
      tenant: tenantModel({
        domain: 'contoso.test',
        apps: { app1: { clientSecret: 'right', roles: [], servicePrincipal: true } },
      }),
    })
    const tokens = createTokenProvider({
      tenantId: exo.tenant.tenantId,
      clientId: 'app1',
      clientSecret: new Secret('S', 'wrong-secret-value'),
      loginUrl: exo.loginUrl,
    })
    const error = (await tokens.getToken('https://outlook.office365.com/.default').catch((e) => e)) as Error
    expect(error.message).toMatch(/AADSTS7000215/)
    expect(error.message).not.toContain('wrong-secret-value')
  })
})

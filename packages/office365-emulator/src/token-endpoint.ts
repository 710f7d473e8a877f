import { createServer, type Server } from 'node:http'
import { rolesFor, type TenantModel } from './tenant-model.js'
import type { TokenIssuer } from './token-issuer.js'

const RESOURCE_SCOPES: Record<string, string> = {
  'https://outlook.office365.com/.default': 'https://outlook.office365.com',
  'https://graph.microsoft.com/.default': 'https://graph.microsoft.com',
}

/**
 * Entra ID's v2.0 token endpoint for the client-credentials flow (`POST /{tenant}/oauth2/v2.0/token`),
 * plus the OpenID metadata MSAL reads. Errors use Entra's codes (AADSTS7000215 for a wrong secret,
 * AADSTS700016 for an unknown app, AADSTS70011 for a bad scope, AADSTS90002 for an unknown tenant).
 */
export function createTokenEndpoint(tenant: TenantModel, tokens: TokenIssuer): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify(body))
    }
    const parts = url.pathname.split('/').filter(Boolean)
    const tenantPart = parts[0]
    const knownTenant = tenantPart === tenant.tenantId || tenantPart === tenant.domain
    if (!knownTenant) {
      return send(400, {
        error: 'invalid_request',
        error_description: `AADSTS90002: Tenant '${tenantPart}' not found.`,
        error_codes: [90002],
      })
    }
    if (req.method === 'GET' && url.pathname.endsWith('/v2.0/.well-known/openid-configuration')) {
      // The metadata names the real host: clients reach the emulator by mapping that host to it.
      const base = `https://login.microsoftonline.com/${tenant.tenantId}`
      return send(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        issuer: `${base}/v2.0`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
      })
    }
    if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) {
      let body = ''
      for await (const chunk of req) body += chunk
      const form = new URLSearchParams(body)
      if (form.get('grant_type') !== 'client_credentials') {
        return send(400, {
          error: 'unsupported_grant_type',
          error_description: 'AADSTS70003: The app requested an unsupported grant type.',
          error_codes: [70003],
        })
      }
      const clientId = form.get('client_id') ?? ''
      const app = tenant.apps[clientId]
      if (!app) {
        return send(400, {
          error: 'unauthorized_client',
          // Entra's full text (the directory is named by the tenant's domain).
          error_description: `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
          error_codes: [700016],
        })
      }
      if (form.get('client_secret') !== app.clientSecret) {
        return send(401, {
          error: 'invalid_client',
          error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
          error_codes: [7000215],
        })
      }
      const audience = RESOURCE_SCOPES[(form.get('scope') ?? '').trim()]
      if (!audience) {
        return send(400, {
          error: 'invalid_scope',
          error_description: `AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope ${form.get('scope')} is not valid.`,
          error_codes: [70011],
        })
      }
      // A token carries only the roles granted on the resource it is for: an app with SMTP.SendAsApp
      // (Office 365 Exchange Online) but no Graph grant gets a Graph token without Mail.Send.
      const accessToken = tokens.issue({
        aud: audience,
        tid: tenant.tenantId,
        appid: clientId,
        roles: rolesFor(app, audience),
      })
      return send(200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: accessToken,
      })
    }
    send(404, { error: 'not_found', error_description: `${req.method} ${url.pathname} is not emulated.` })
  })
}

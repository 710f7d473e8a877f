import { MailwrightError, type Secret } from '@mailwright/core'
import { redact } from '@mailwright/core/internal'

/** Client-credentials settings of an Entra app (secrets as {@link Secret}). */
export interface ClientCredentials {
  tenantId: string
  clientId: string
  clientSecret: Secret
  /**
   * Where login.microsoftonline.com is reached. Only for offline runs against the Office 365 emulator:
   * its requests go to this base URL instead (e.g. `http://127.0.0.1:40123`).
   */
  loginUrl?: string
}

/** Gets (cached, refreshed by MSAL) access tokens for a resource. */
export interface TokenProvider {
  getToken(scope: string): Promise<{ accessToken: string; expiresOn: Date | null }>
}

const LOGIN_HOST = 'https://login.microsoftonline.com'

/**
 * Client-credentials tokens through @azure/msal-node (loaded on first use, so sandbox runs never import
 * it). MSAL caches tokens and refreshes them when they near expiry. Failures say what Entra answered,
 * with the secret redacted.
 *
 * @example
 * const tokens = createTokenProvider({ tenantId, clientId, clientSecret })
 * const { accessToken } = await tokens.getToken('https://outlook.office365.com/.default')
 */
export function createTokenProvider(credentials: ClientCredentials): TokenProvider {
  let app:
    | Promise<{
        acquireTokenByClientCredential(request: {
          scopes: string[]
        }): Promise<{ accessToken: string; expiresOn: Date | null } | null>
      }>
    | undefined
  const load = async () => {
    const { ConfidentialClientApplication } = await import('@azure/msal-node')
    return new ConfidentialClientApplication({
      auth: {
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret.reveal(),
        authority: `${LOGIN_HOST}/${credentials.tenantId}`,
      },
      system: credentials.loginUrl
        ? { networkClient: redirectingNetworkClient(credentials.loginUrl) }
        : undefined,
    })
  }
  return {
    async getToken(scope) {
      app ??= load()
      try {
        const result = await (await app).acquireTokenByClientCredential({ scopes: [scope] })
        if (!result?.accessToken) throw new Error('no token in the response')
        return { accessToken: result.accessToken, expiresOn: result.expiresOn }
      } catch (error) {
        const detail = redact(String((error as Error).message ?? error), [credentials.clientSecret])
        throw new MailwrightError(
          'TOKEN',
          `Could not get a token for ${scope} as app ${credentials.clientId} in tenant ${credentials.tenantId}: ${detail}. Check the tenant id, client id and client secret (the secret's value, not its id), and that admin consent was granted.`,
        )
      }
    },
  }
}

// MSAL's network interface, sending login.microsoftonline.com requests to the emulator instead.
function redirectingNetworkClient(loginUrl: string) {
  const rewrite = (url: string) => url.replace(LOGIN_HOST, loginUrl.replace(/\/+$/, ''))
  const request = async (
    method: 'GET' | 'POST',
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ) => {
    const response = await fetch(rewrite(url), { method, headers: options?.headers, body: options?.body })
    return {
      headers: Object.fromEntries(response.headers.entries()),
      body: (await response.json()) as never,
      status: response.status,
    }
  }
  return {
    sendGetRequestAsync: (url: string, options?: { headers?: Record<string, string> }) =>
      request('GET', url, options),
    sendPostRequestAsync: (url: string, options?: { headers?: Record<string, string>; body?: string }) =>
      request('POST', url, options),
  }
}

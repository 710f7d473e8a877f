import { AsyncLocalStorage } from 'node:async_hooks'
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

/** Options of {@link createTokenProvider}. */
export interface TokenProviderOptions {
  /** The most one token request may take, every request to the login server included. Default 30 s. */
  timeoutMs?: number
}

/** Why a token could not be had, as {@link TokenError.reason}. */
export type TokenFailure =
  | 'wrong-secret'
  | 'expired-secret'
  | 'unknown-app'
  | 'unknown-tenant'
  | 'bad-scope'
  | 'refused'
  | 'network'
  | 'timeout'

/**
 * A token request that failed, classified: Entra's answer (its AADSTS code) or what the network did, with
 * what to check. `explanation` has the same shape as an SMTP reply's, so reports print both alike.
 *
 * @example
 * try { await tokens.getToken(scope) } catch (error) {
 *   if (error instanceof TokenError && error.reason === 'wrong-secret') console.log(error.explanation.fix)
 * }
 */
export class TokenError extends MailwrightError {
  /** Entra's error code, e.g. `AADSTS7000215`, when Entra answered. */
  readonly entraCode?: string

  constructor(
    readonly reason: TokenFailure,
    readonly explanation: { title: string; cause: string; fix: string; source: string },
    request: { scope: string; clientId: string; tenantId: string; entraCode?: string },
  ) {
    super(
      'TOKEN',
      `Could not get a token for ${request.scope} as app ${request.clientId} in tenant ${request.tenantId}. ${explanation.title}: ${explanation.cause} ${explanation.fix}`,
    )
    if (request.entraCode) this.entraCode = request.entraCode
  }
}

const LOGIN_HOST = 'https://login.microsoftonline.com'
// Microsoft's list of every AADSTS code, with the text of each.
const ENTRA_CODES = 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes'
const PROXY_HINT =
  'Behind a proxy, set HTTPS_PROXY and NODE_USE_ENV_PROXY=1 (Node 24 and later) so that Node sends its requests through it.'

/**
 * Client-credentials tokens through @azure/msal-node (loaded on first use, so sandbox runs never import
 * it). MSAL caches tokens and refreshes them when they near expiry. Every request to the login server has a
 * deadline; a failure is a {@link TokenError} that says whether Entra refused (which code, what to fix) or
 * the network failed (DNS, refused, proxy, TLS inspection, no answer), with the secret redacted.
 *
 * @example
 * const tokens = createTokenProvider({ tenantId, clientId, clientSecret })
 * const { accessToken } = await tokens.getToken('https://outlook.office365.com/.default')
 */
export function createTokenProvider(
  credentials: ClientCredentials,
  options: TokenProviderOptions = {},
): TokenProvider {
  const timeoutMs = options.timeoutMs ?? 30_000
  const network = new LoginNetwork(credentials.loginUrl, timeoutMs)
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
      system: { networkClient: network.client() },
    })
  }
  return {
    async getToken(scope) {
      app ??= load()
      const loaded = app
      // Each call keeps its own deadline and what its requests met: calls run concurrently (a Graph inbox
      // and a transport share an app), and MSAL's requests carry this call's context through their awaits.
      const attempt: Attempt = { deadline: Date.now() + timeoutMs }
      return attempts.run(attempt, async () => {
        try {
          const result = await (await loaded).acquireTokenByClientCredential({ scopes: [scope] })
          if (!result?.accessToken) throw new Error('no token in the response')
          return { accessToken: result.accessToken, expiresOn: result.expiresOn }
        } catch (error) {
          // MSAL wraps what the network did in its own errors ("network_error", "endpoints_resolution_error"):
          // what the login server answered, or why it could not be reached, is read from our network client.
          const detail = redact(String((error as Error).message ?? error), [credentials.clientSecret])
          throw classify(attempt.outcome, detail, scope, credentials, timeoutMs)
        }
      })
    },
  }
}

type Outcome =
  | { kind: 'entra'; status: number; error: string; description: string; code?: string }
  | { kind: 'not-json'; status: number; url: string }
  | { kind: 'unreachable'; url: string; cause: string; code?: string }
  | { kind: 'timeout'; url: string }

interface Attempt {
  deadline: number
  outcome?: Outcome
}
const attempts = new AsyncLocalStorage<Attempt>()

// MSAL's network interface over fetch: every request within its token call's deadline, aborted past it (an
// abandoned request would keep the process alive), and what happened kept on that call for its error.
class LoginNetwork {
  constructor(
    readonly loginUrl: string | undefined,
    readonly timeoutMs: number,
  ) {}

  #record(outcome: Outcome): void {
    const attempt = attempts.getStore()
    if (attempt) attempt.outcome = outcome
  }

  client() {
    const request = async (
      method: 'GET' | 'POST',
      url: string,
      options?: { headers?: Record<string, string>; body?: string },
    ) => {
      const target = this.loginUrl ? url.replace(LOGIN_HOST, this.loginUrl.replace(/\/+$/, '')) : url
      let response: Response
      try {
        response = await fetch(target, {
          method,
          headers: options?.headers,
          body: options?.body,
          signal: AbortSignal.timeout(
            Math.max(1, (attempts.getStore()?.deadline ?? Date.now() + this.timeoutMs) - Date.now()),
          ),
        })
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause
        this.#record(
          (error as Error).name === 'TimeoutError'
            ? { kind: 'timeout', url: target }
            : {
                kind: 'unreachable',
                url: target,
                cause: cause?.message ?? (error as Error).message,
                code: cause?.code,
              },
        )
        throw error
      }
      const text = await response.text()
      let body: Record<string, unknown>
      try {
        body = JSON.parse(text) as Record<string, unknown>
      } catch {
        this.#record({ kind: 'not-json', status: response.status, url: target })
        throw new Error(`HTTP ${response.status} from ${target} is not JSON`)
      }
      if (response.status >= 400) {
        const description = String(body.error_description ?? '')
        this.#record({
          kind: 'entra',
          status: response.status,
          error: String(body.error ?? ''),
          description: description.split(/\r?\n/)[0] ?? '',
          code: /AADSTS\d+/.exec(description)?.[0],
        })
      }
      return {
        headers: Object.fromEntries(response.headers.entries()),
        body: body as never,
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
}

function classify(
  outcome: Outcome | undefined,
  msalDetail: string,
  scope: string,
  credentials: ClientCredentials,
  timeoutMs: number,
): TokenError {
  const who = `app ${credentials.clientId} in tenant ${credentials.tenantId}`
  const request = { scope, clientId: credentials.clientId, tenantId: credentials.tenantId }
  if (outcome?.kind === 'timeout') {
    return new TokenError(
      'timeout',
      {
        title: 'Token request timed out',
        cause: `${hostOf(outcome.url)} did not answer within ${timeoutMs} ms (the token deadline).`,
        fix: `The network drops HTTPS to it, or only a proxy may reach it. ${PROXY_HINT}`,
        source: ENTRA_CODES,
      },
      request,
    )
  }
  if (outcome?.kind === 'unreachable') return unreachable(outcome, request)
  if (outcome?.kind === 'not-json') {
    return new TokenError(
      'network',
      {
        title: 'Not a login server',
        cause: `${hostOf(outcome.url)} answered HTTP ${outcome.status} with something other than Entra's JSON, as a proxy or captive portal does.`,
        fix: PROXY_HINT,
        source: ENTRA_CODES,
      },
      request,
    )
  }
  if (outcome?.kind === 'entra') {
    const code = outcome.code
    const entra = `Entra answered ${code ?? outcome.error}: "${outcome.description}"`
    const error = (reason: TokenFailure, title: string, fix: string) =>
      new TokenError(
        reason,
        { title, cause: `${entra}.`, fix, source: ENTRA_CODES },
        { ...request, entraCode: code },
      )
    switch (code) {
      case 'AADSTS7000215':
        return error(
          'wrong-secret',
          `Wrong client secret for ${who}`,
          "Use the secret's Value (shown once, when it was created under Certificates & secrets), not its Secret ID.",
        )
      case 'AADSTS7000222':
        return error(
          'expired-secret',
          `Expired client secret for ${who}`,
          'Create a new client secret under Certificates & secrets and use its Value.',
        )
      case 'AADSTS700016':
        return error(
          'unknown-app',
          `No app ${credentials.clientId} in tenant ${credentials.tenantId}`,
          "Use the Application (client) ID from the app registration's Overview page, and the tenant the app is registered (or consented) in.",
        )
      case 'AADSTS90002':
      case 'AADSTS900023':
        return error(
          'unknown-tenant',
          `No tenant ${credentials.tenantId}`,
          "Use the Directory (tenant) ID from the app registration's Overview page, or a verified domain of the tenant.",
        )
      case 'AADSTS70011':
        return error(
          'bad-scope',
          `Scope ${scope} refused`,
          'The client-credentials flow takes a resource followed by /.default, e.g. https://outlook.office365.com/.default.',
        )
      default:
        return error(
          'refused',
          `Token refused for ${who}`,
          `Look the code up in Microsoft's list; admin consent for the app's permissions may be missing.`,
        )
    }
  }
  return new TokenError(
    'refused',
    {
      title: `No token for ${who}`,
      cause: `${msalDetail}.`,
      fix: 'Check the tenant id, client id and client secret (its Value, not its ID), and that admin consent was granted.',
      source: ENTRA_CODES,
    },
    request,
  )
}

function unreachable(
  outcome: Extract<Outcome, { kind: 'unreachable' }>,
  request: ConstructorParameters<typeof TokenError>[2],
): TokenError {
  const host = hostOf(outcome.url)
  const code = outcome.code ?? ''
  const cause = `${host} could not be reached: ${outcome.cause}.`
  const [title, fix] =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? ['Login server name does not resolve', `Check this machine's DNS. ${PROXY_HINT}`]
      : code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE'
        ? [
            'Connection to the login server refused or cut',
            `A firewall or proxy in between refuses HTTPS to ${host}: allow it, or go through the proxy. ${PROXY_HINT}`,
          ]
        : /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
          ? [
              "Login server's certificate not trusted",
              'A TLS-inspecting proxy presents its own certificate: add its CA with NODE_EXTRA_CA_CERTS=<file>.',
            ]
          : ['Login server unreachable', PROXY_HINT]
  return new TokenError('network', { title, cause, fix, source: ENTRA_CODES }, request)
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** Claims of an emulated Entra access token (client credentials). */
export interface TokenClaims {
  aud: string
  tid: string
  appid: string
  roles: string[]
  iat: number
  exp: number
}

/**
 * Issues and checks the emulator's access tokens: JWTs signed with a key of the emulator's own (HS256),
 * carrying the claims Exchange Online checks (audience, tenant, app, roles, expiry).
 */
export class TokenIssuer {
  readonly #key = randomBytes(32)

  issue(claims: Omit<TokenClaims, 'iat' | 'exp'>, lifetimeSeconds = 3599): string {
    const now = Math.floor(Date.now() / 1000)
    const body: TokenClaims = { ...claims, iat: now, exp: now + lifetimeSeconds }
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))
    const payload = b64url(JSON.stringify(body))
    return `${head}.${payload}.${this.#sign(`${head}.${payload}`)}`
  }

  /** The claims of a token this issuer signed and that has not expired, else undefined. */
  verify(token: string): TokenClaims | undefined {
    const [head, payload, signature] = token.split('.')
    if (!head || !payload || !signature) return undefined
    const expected = Buffer.from(this.#sign(`${head}.${payload}`))
    const given = Buffer.from(signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as TokenClaims
    return claims.exp > Date.now() / 1000 ? claims : undefined
  }

  #sign(data: string): string {
    return createHmac('sha256', this.#key).update(data).digest('base64url')
  }
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url')
}

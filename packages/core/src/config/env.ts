/** A value read from an environment variable when the configuration is resolved (never written in it). */
export interface EnvReference {
  readonly kind: 'env'
  readonly name: string
}

/**
 * Names an environment variable in `mailwright.config.ts`: secrets stay out of the file and out of logs.
 *
 * @example
 * clientSecret: env('O365_CLIENT_SECRET')
 */
export function env(name: string): EnvReference {
  return { kind: 'env', name }
}

export function isEnvReference(value: unknown): value is EnvReference {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as EnvReference).kind === 'env' &&
    typeof (value as EnvReference).name === 'string'
  )
}

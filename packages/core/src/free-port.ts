import { createServer } from 'node:net'

/**
 * A TCP port free on 127.0.0.1 right now, for servers that must be told their port before they start
 * (a container on the host network, a daemon with a config file).
 *
 * @example
 * const smtpPort = await freePort()
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

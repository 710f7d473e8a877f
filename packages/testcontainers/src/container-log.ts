import { getContainerRuntimeClient } from 'testcontainers'

/** What a container has logged so far (stdout and stderr), read through the Docker engine by id. */
export async function containerLog(id: string): Promise<string> {
  const client = await getContainerRuntimeClient()
  const stream = await client.container.logs(client.container.getById(id))
  const chunks: string[] = []
  await new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer | string) => chunks.push(String(chunk)))
    stream.on('end', () => resolve())
    stream.on('error', () => resolve())
    // The stream follows the container; what was logged so far arrives at once.
    setTimeout(() => {
      stream.destroy()
      resolve()
    }, 300)
  })
  return chunks.join('')
}

export { memoryFeed, memoryTransport } from './memory-store.js'
export type { MemoryInboxConfig } from './plugin.js'

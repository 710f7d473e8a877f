import { defineConfig } from '@mailwright/core'
// The installed plugin's types, brought into the program (type-only: nothing is loaded here).
import type {} from 'mailwright-memory-inbox'

// A project's config naming a type no Mailwright package knows: the plugin's package.json makes it usable.
export default defineConfig({
  environments: {
    memory: {
      inbox: { type: 'memory', domain: 'memory.test' },
      transport: { type: 'memory' },
      allowRecipients: ['*@memory.test'],
    },
    // @ts-expect-error The plugin's config type is checked: `domain` is a string.
    typed: { inbox: { type: 'memory', domain: 42 } },
  },
})

// `mailwright.config.ts` imports from here: the runner package is the one a project depends on directly, so
// this resolves under pnpm's strict layout too (where @mailwright/core is not the project's own dependency).
export {
  defineConfig,
  type EnvReference,
  env,
  type MailwrightConfig,
} from '@mailwright/core'

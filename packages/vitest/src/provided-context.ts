// Types what the global setup provides, for every module that imports @mailwright/vitest.
export {}

declare module 'vitest' {
  interface ProvidedContext {
    /** Base URL of the run's inbox server, provided by `@mailwright/vitest/global-setup`. */
    mailwrightInboxUrl: string
  }
}

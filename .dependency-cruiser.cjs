// The dependency directions of the packages, checked by `pnpm lint` so a wrong import fails CI instead of
// being caught (or not) in review. The picture:
//
//   core  ◀──  inbox-server, office365, testcontainers, office365-emulator, report, checks  (core only)
//   core, inbox-server, report, mailwright  ◀──  playwright, vitest  (runner adapters: thin, no optional back end;
//                                         the CLI only for their `mailwright` bin)
//   core, inbox-server, report  ◀──  mailwright (CLI: optional packages only through loadOptionalPackage, at run time)
//
// Tests may use what their package's devDependencies give them, and the test utilities of core.
const SOURCE = '^packages/[^/]+/src/(?!.*\\.test(-util)?\\.ts$)'
// Each pattern names a package by its folder (an import resolved to its build) and by its name (an import
// that does not resolve, say before a build; `pnpm lint:deps` builds first, so type-only imports are told apart).
const OPTIONAL_BACK_ENDS =
  '^packages/(office365|office365-emulator|testcontainers|checks)/|^@mailwright/(office365|office365-emulator|testcontainers|checks)(/|$)'
const OTHER_THAN_CORE = '^packages/(?!core/)[^/]+/|^@mailwright/(?!core(/|$))|^mailwright(/|$)'
// The heavy dependencies a sandbox-only install must never load (the adoption rule on footprint).
const HEAVY = '(^|node_modules/)(testcontainers|@azure/msal-node|imapflow|dockerode)(/|$)'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-depends-on-nothing-of-ours',
      comment:
        'Core holds the contract (Inbox, the InboxTypes registry, matchers, errors); back ends and runners plug into it, never the other way round.',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { path: OTHER_THAN_CORE },
    },
    {
      name: 'back-ends-depend-only-on-core',
      comment:
        'A back end (inbox server, Office 365, containers, the emulator), the report and the content checks build on core alone.',
      severity: 'error',
      from: {
        path: `^packages/(inbox-server|office365|office365-emulator|testcontainers|report|checks)/src/(?!.*\\.test(-util)?\\.ts$)`,
      },
      to: { path: OTHER_THAN_CORE, pathNot: ['^packages/$1/', '^@mailwright/$1(/|$)'] },
    },
    {
      name: 'runners-stay-thin',
      comment:
        'The runner adapters wire core and the embedded inbox into test.extend/expect.extend; Office 365, containers, the emulator and the content checks are optional packages a project adds, found through the plugin registry (the checks: loaded by core when a matcher asks).',
      severity: 'error',
      from: { path: '^packages/(playwright|vitest)/src/(?!.*\\.test(-util)?\\.ts$)' },
      to: { path: OPTIONAL_BACK_ENDS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'cli-loads-optional-packages-lazily',
      comment:
        'The CLI imports Office 365 and the emulator only when a command needs them (loadOptionalPackage), so `mailwright --version` and `serve` work without them.',
      severity: 'error',
      from: { path: '^packages/cli/src/(?!.*\\.test(-util)?\\.ts$)' },
      to: { path: OPTIONAL_BACK_ENDS, dynamic: false, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-heavy-dependency-at-load',
      comment:
        'testcontainers, MSAL and imapflow are loaded inside the factory that needs them (await import), never when a package is imported.',
      severity: 'error',
      // The modules a plugin may import statically are held to it as well as the plugin itself.
      from: {
        path: SOURCE,
        pathNot: '^packages/(testcontainers|office365)/src/(?!plugin\\.ts$|capture-servers\\.ts$)',
      },
      to: { path: HEAVY, dynamic: false },
    },
    {
      name: 'plugins-are-light',
      comment:
        "A package's plugin module is imported whenever a config names one of its types: it reaches its factories' modules only through await import().",
      severity: 'error',
      from: { path: '^packages/[^/]+/src/plugin\\.ts$' },
      to: {
        dynamic: false,
        path: '.',
        pathNot: [
          '^packages/core/',
          '^@mailwright/core(/|$)',
          '^packages/[^/]+/src/(capture-servers|start-inbox-server)\\.ts$',
          '^node:',
        ],
      },
    },
    {
      name: 'no-reaching-into-another-package',
      comment:
        "A package uses another through its published entry (package name), never a relative path into its src/ or dist/; tests may share core's *.test-util.ts.",
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: {
        dependencyTypes: ['local'],
        path: '^packages/([^/]+)/',
        pathNot: ['^packages/$1/', '^packages/core/src/.*\\.test-util\\.ts$', '^packages/core/src/testing/'],
      },
    },
    {
      name: 'no-unresolvable',
      comment:
        'Every import resolves (after the build): a deep import into a package that does not export it fails here, not in a user project.',
      severity: 'error',
      from: { path: SOURCE },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes load order matter and hides a layering mistake (type-only imports are erased).',
      severity: 'error',
      from: { path: '^packages/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    // What ships: the sources. (Tests are left out: swc's visitor, which dependency-cruiser walks, does not
    // know `await using`, which most tests use.)
    exclude: { path: ['\\.test(-util)?\\.ts$', '/test/'] },
    // TypeScript 7 has no JS API for dependency-cruiser's tsc parser: swc reads the sources instead.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default', 'node'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
    // Workspace packages resolve through their node_modules links to packages/<name>/dist: map them back to
    // packages/<name>/ so the rules above see which package an import reaches.
    reporterOptions: { text: { highlightFocused: true } },
  },
}

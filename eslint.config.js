// ESLint flat config. Besides style rules, it enforces the layers of design.md: each folder of
// src/ may import only the layers below it (core <- catalog, exchange, store, sandbox <- app <- cli, server),
// plus the finer rules of the architecture review (2026-12, finding 5): the planner is used only
// through app, and the sandbox uses only core's evaluator, model and errors, with its own limits.
// test/layers.test.ts proves that each rule bites.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const layers = ['core', 'catalog', 'exchange', 'store', 'sandbox', 'app', 'cli', 'server']

/** Import patterns that reach into the given folders. */
const into = (...names) => names.flatMap((n) => [`**/${n}`, `**/${n}/**`])

/** The layers other than `layer` and those it may import. */
const above = (layer, allowed = []) => layers.filter((l) => l !== layer && !allowed.includes(l))

/** A pattern forbidding the given layers to `layer`. */
const layerPattern = (layer, names) => ({
  group: into(...names),
  message: `Layer rule (design.md): src/${layer} may not import ${names.join(', ')}.`,
})

/** One no-restricted-imports rule for some files. ESLint keeps only the last rule per file, so each entry lists all of a folder's restrictions. */
function restrict(files, patterns, paths = []) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns, paths }] } }
}

/** The TypeScript sources of a folder of src/. */
const srcOf = (folder) => [`src/${folder}/**/*.ts`, `src/${folder}/**/*.tsx`]

const pureMessage =
  'src/core is pure: no I/O, no node: imports (pass clocks, randomness and data in).'
const nodeBuiltins = { group: ['node:*'], message: pureMessage }
const bareBuiltins = [
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'url',
].map((name) => ({ name, message: pureMessage }))

/** The planner, from outside core: front ends and the store reach it only through app (review finding 4). */
const planner = {
  group: into('core/planner'),
  message:
    'Only src/app (and core) may use the planner: front ends and the store go through the use cases in app.',
}
/** The planner, from inside core (relative imports such as ../planner/plan.js). */
const plannerFromCore = {
  group: [...into('core/planner'), '../planner', '../planner/**'],
  message:
    'The evaluator decides where mail lands from the tenant state alone: it must not depend on the planner.',
}

/** The sandbox may use core's evaluator, model and errors only (design.md). */
const sandboxCore = {
  // Not '**/core' itself: ignore-style patterns never re-include a path whose parent is excluded.
  group: [
    '**/core/*',
    '**/core/**',
    ...['evaluator', 'model', 'errors'].flatMap((p) => [`!**/core/${p}`, `!**/core/${p}/**`]),
  ],
  message:
    'The sandbox may import only core/evaluator, core/model and core/errors, so that it can catch the planner’s and the surfaces’ mistakes (use ipaddr.js or node:crypto directly for the rest).',
}
/** Microsoft's limits: the sandbox keeps its own copy, so that a wrong number in core is caught. */
const sandboxLimits = {
  group: into('core/model'),
  importNamePattern: '^(?:[A-Z0-9_]+_LIMITS|TABL_RULES)$',
  message:
    'The sandbox keeps its own copy of Microsoft’s limits (src/sandbox/engine/limits.ts): a wrong limit in core/model must be caught, not echoed.',
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'artifacts/**',
      'web/dist/**',
      'reports/**',
      '.stryker-tmp*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'smart'],
    },
  },
  restrict(srcOf('core'), [layerPattern('core', above('core')), nodeBuiltins], bareBuiltins),
  restrict(
    srcOf('core/evaluator'),
    [layerPattern('core', above('core')), nodeBuiltins, plannerFromCore],
    bareBuiltins,
  ),
  restrict(srcOf('catalog'), [layerPattern('catalog', above('catalog', ['core']))]),
  restrict(srcOf('exchange'), [layerPattern('exchange', above('exchange', ['core']))]),
  restrict(srcOf('store'), [layerPattern('store', above('store', ['core'])), planner]),
  // The store's tests store real plans, which they make with the planner: tests may use it.
  restrict(
    ['src/store/test-fixtures.ts', 'src/store/**/*.test.ts'],
    [layerPattern('store', above('store', ['core']))],
  ),
  restrict(srcOf('sandbox'), [
    layerPattern('sandbox', above('sandbox', ['core'])),
    sandboxCore,
    sandboxLimits,
  ]),
  restrict(srcOf('app'), [layerPattern('app', ['cli', 'server'])]),
  restrict(srcOf('cli'), [layerPattern('cli', ['server'])]),
  restrict(srcOf('server'), [layerPattern('server', ['cli']), planner]),
  // web/ is the browser front end: it reaches src/ only through the HTTP API (design.md), except
  // for the API's types, derived on the server from its zod schemas (src/server/api-types.ts):
  // a type-only import is erased at build, so no server code reaches the bundle.
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/*',
                '**/src/**',
                'node:*',
                '!./**',
                '!**/src/server',
                '!**/src/server/api-types.js',
              ],
              message:
                'web/ talks to src/ only through the HTTP API; no Node modules in the browser.',
            },
            {
              group: ['**/src/server/*', '!**/src/server/api-types.js'],
              message: 'web/ talks to src/ only through the HTTP API.',
            },
            {
              group: ['**/src/server/api-types.js'],
              allowTypeImports: true,
              message:
                'web/ may import only types from src/server/api-types.ts (import type / export type).',
            },
          ],
        },
      ],
    },
  },
)

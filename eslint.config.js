// ESLint flat config. Besides style rules, it enforces the layers of design.md: each folder of
// src/ may import only the layers below it (core <- catalog, exchange, store, sandbox <- app <- cli, server).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const layers = ['core', 'catalog', 'exchange', 'store', 'sandbox', 'app', 'cli', 'server']

/** Import patterns that reach into the given layers' folders. */
const into = (...names) => names.flatMap((n) => [`**/${n}`, `**/${n}/**`])

/**
 * A no-restricted-imports rule that forbids the given layers (and optional extra patterns).
 * `allow` un-forbids import paths (gitignore negations), for a layer's own sub-folders that share
 * a layer's name (src/sandbox/exchange, src/sandbox/server); `files` narrows where it applies.
 */
function forbid(layer, names, extra = [], paths = [], allow = [], files = null) {
  return {
    files: files ?? [`src/${layer}/**/*.ts`, `src/${layer}/**/*.tsx`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...into(...names), ...allow.map((a) => `!${a}`)],
              message: `Layer rule (design.md): src/${layer} may not import ${names.join(', ')}.`,
            },
            ...extra,
          ],
          paths,
        },
      ],
    },
  }
}

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
].map((name) => ({
  name,
  message: pureMessage,
}))
const plannerAndSurfaces = {
  group: ['**/core/planner', '**/core/planner/**', '**/core/surfaces', '**/core/surfaces/**'],
  message:
    'The sandbox must not import the planner or the surfaces, so that it can catch their mistakes.',
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'artifacts/**', 'web/dist/**'] },
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
  forbid(
    'core',
    layers.filter((l) => l !== 'core'),
    [nodeBuiltins],
    bareBuiltins,
  ),
  forbid(
    'catalog',
    layers.filter((l) => !['core', 'catalog'].includes(l)),
  ),
  forbid(
    'exchange',
    layers.filter((l) => !['core', 'exchange'].includes(l)),
  ),
  forbid(
    'store',
    layers.filter((l) => !['core', 'store'].includes(l)),
  ),
  forbid(
    'sandbox',
    layers.filter((l) => !['core', 'sandbox'].includes(l)),
    [plannerAndSurfaces],
  ),
  // The sandbox's own exchange/ (the engine) and server/ folders share names with layers: allow
  // them by their relative paths (from src/sandbox/*.ts, and from one folder down).
  forbid(
    'sandbox',
    layers.filter((l) => !['core', 'sandbox'].includes(l)),
    [plannerAndSurfaces],
    [],
    ['./exchange', './exchange/**', './server', './server/**'],
    ['src/sandbox/*.ts'],
  ),
  forbid(
    'sandbox',
    layers.filter((l) => !['core', 'sandbox'].includes(l)),
    [plannerAndSurfaces],
    [],
    ['../exchange', '../exchange/**', '../server', '../server/**'],
    ['src/sandbox/*/**/*.ts', 'src/sandbox/*/**/*.tsx'],
  ),
  forbid('app', ['cli', 'server']),
  forbid('cli', ['server']),
  forbid('server', ['cli']),
  // web/ is the browser front end: it reaches src/ only through the HTTP API (design.md).
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/*', '**/src/**', 'node:*', '!./**'],
              message:
                'web/ talks to src/ only through the HTTP API; no Node modules in the browser.',
            },
          ],
        },
      ],
    },
  },
)

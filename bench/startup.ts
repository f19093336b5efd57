/**
 * Cold start of the built CLI: runs `node -e 0`, `passage --help`, `passage vendors` and
 * `passage explain <.eml>` against dist/ (build first: `npm run build`), alternating the commands
 * round by round so that a busy moment slows all of them alike, and prints each command's median
 * wall time, its ratio to `node -e 0` in the same run, and how many modules it loaded (with which
 * of the heavy dependencies). Prints figures; asserts nothing.
 * Run: node --import tsx bench/startup.ts [rounds]
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..')
const main = join(root, 'dist/cli/main.js')
const eml = join(root, 'examples/headers/junked-spam.eml')
const ROUNDS = Math.max(3, Number(process.argv[2] ?? 21) || 21)
const WARMUP = 2

if (!existsSync(main)) {
  console.error(`${main} is missing: run \`npm run build\` first.`)
  process.exit(1)
}

const commands: { name: string; args: string[] }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'passage --help', args: [main, '--help'] },
  { name: 'passage vendors', args: [main, 'vendors'] },
  { name: 'passage explain <eml>', args: [main, 'explain', eml] },
]

/** Dependencies whose presence in a command's module list is worth naming. */
const HEAVY: [string, RegExp][] = [
  ['store', /\/(dist|src)\/store\//],
  ['kysely', /\/node_modules\/kysely\//],
  ['better-sqlite3', /\/node_modules\/better-sqlite3\//],
  ['pg', /\/node_modules\/pg\//],
  ['msal', /\/node_modules\/@azure\/msal-/],
  ['fastify', /\/node_modules\/fastify\//],
  ['sandbox', /\/(dist|src)\/sandbox\//],
  ['node-forge', /\/node_modules\/node-forge\//],
  ['yaml', /\/node_modules\/yaml\//],
  ['zod', /\/node_modules\/zod\//],
]

// The environment of every run: no colours, and a store path that no measured command should open.
const work = mkdtempSync(join(tmpdir(), 'passage-startup-'))
const env = { ...process.env, NO_COLOR: '1', PASSAGE_DB: join(work, 'unused.db') }

/** Runs one command once and returns its wall time in milliseconds (spawn to exit). */
function time(args: string[]): number {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'ignore' })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status ?? r.signal}`)
  return ms
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

// Module counting, in runs of their own (the hooks cost time, so they are never timed). ES modules
// are seen by a load hook (in the hooks thread, which appends each file URL to a list); CommonJS
// modules that ES modules did not import directly (require() inside packages) are not, so at exit
// the process adds the keys of the CommonJS cache. Both are de-duplicated by file path.
const listFile = join(work, 'modules.txt')
const hooks = join(work, 'hooks.mjs')
const preload = join(work, 'count.mjs')
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs'
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.PASSAGE_BENCH_MODULES, url + '\\n')
  return next(url, context)
}
`,
)
writeFileSync(
  preload,
  `import { register, createRequire } from 'node:module'
import { appendFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
register(${JSON.stringify(pathToFileURL(hooks).href)})
const cache = createRequire(import.meta.url).cache
process.on('exit', () => {
  const keys = Object.keys(cache).map((k) => pathToFileURL(k).href)
  if (keys.length) appendFileSync(process.env.PASSAGE_BENCH_MODULES, keys.join('\\n') + '\\n')
})
`,
)

/** The files a command loads, by path. */
function modules(args: string[]): string[] {
  writeFileSync(listFile, '')
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, ...args], {
    cwd: root,
    env: { ...env, PASSAGE_BENCH_MODULES: listFile },
    stdio: 'ignore',
  })
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status ?? r.signal}`)
  const urls = readFileSync(listFile, 'utf8').split('\n').filter(Boolean)
  return [...new Set(urls.map((u) => fileURLToPath(u)))]
}

try {
  for (let i = 0; i < WARMUP; i++) for (const c of commands) time(c.args)
  const samples = commands.map(() => [] as number[])
  for (let i = 0; i < ROUNDS; i++) commands.forEach((c, j) => samples[j]?.push(time(c.args)))
  const medians = samples.map(median)
  const base = medians[0] ?? 1
  console.log(`cold start of dist/cli/main.js: median of ${ROUNDS} runs each, alternating`)
  console.log(
    'command'.padEnd(24),
    'median ms'.padStart(10),
    'min ms'.padStart(8),
    'x node'.padStart(7),
    'modules'.padStart(8),
    ' heavy dependencies loaded',
  )
  commands.forEach((c, j) => {
    const files = modules(c.args)
    const heavy = HEAVY.filter(([, re]) => files.some((f) => re.test(f.replaceAll('\\', '/'))))
    console.log(
      c.name.padEnd(24),
      (medians[j] ?? 0).toFixed(1).padStart(10),
      Math.min(...(samples[j] ?? []))
        .toFixed(1)
        .padStart(8),
      ((medians[j] ?? 0) / base).toFixed(2).padStart(7),
      String(files.length).padStart(8),
      ` ${heavy.map(([n]) => n).join(', ') || '-'}`,
    )
  })
} finally {
  rmSync(work, { recursive: true, force: true })
}

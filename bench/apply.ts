/**
 * Round trips and wall time of discover + apply + check, for Trustifi's recipe (northwindtraders)
 * and ContactMonkey's recommended plan (contoso), against a sandbox that answers every request
 * (sign-in, Graph and the admin API) 300 ms after it came in and whose tenants hold 250 mail flow
 * rules and 1,000 (then 5,000) Tenant Allow/Block List entries each. Beside each figure:
 *
 * - the lower bound: the critical path of dependent round trips times the latency (discover: one
 *   round of batched reads, then the directory groups the policies name; apply: the drift read,
 *   then the longest chain of changes that must run in order; check: one round of reads of the
 *   surfaces the plan changes), with
 *   the follow-up page rounds a read needs when a list holds more than a page (1,000 objects):
 *   the service hands out each next link with the page before it, so they come one after another
 *   (in discover they can share the groups' round, as far as the tenant's cap of requests in
 *   flight lets them: more requests than the cap after the first round take another round; the
 *   cap is the client's one limit, exchange/semaphore.ts). A `$batch` is one round trip: the
 *   sandbox charges the latency once per request and runs a batch's items one after another,
 *   with no latency of their own (Microsoft does not document how Exchange runs them; the
 *   conservative reading is modelled: see the `$batch` route in src/sandbox/http/admin-api.ts),
 *   inside the batch's latency: the work of each admin API request runs in slices, so that a
 *   request that comes in while another's work runs is seen to come in when it does and is
 *   answered `latency` after that, as at a real service (src/sandbox/http/pace.ts);
 * - the ratio of the wall time to that bound, and the CPU time in the phase of the client (this
 *   process: passage's own work) and of the sandbox apart (its process), as at a real tenant, where
 *   the server's work is Microsoft's and inside the latency: on a busy machine the wall time beyond
 *   the bound that is not round trips is mostly the client's CPU or waiting for a core;
 * - one after another: every request made on its own and every `$batch` item as its own request,
 *   one at a time (round trips × latency, computed from the counts).
 *
 * Requests are counted in this process (every HTTPS request the client sends, and the items in
 * each `$batch` body). With `--save <file>` the figures are written as JSON; with `--before
 * <file>` (default bench/apply.before.json when it exists) a saved run is printed beside this one,
 * each with the ratios of its own run.
 *
 * Run: node --import tsx bench/apply.ts [latencyMs] [--entries 1000,5000] [--runs n]
 *      [--save file] [--before file] [--sandbox process|thread|in-process] [--in-process]
 *      [--trace] [--profile dir] [--latency-model floor|added] [--warm-sandbox]
 * (`--trace`: each request's start and end in its phase; `--profile dir`: a CPU profile of each
 * measured phase, this thread's, and the sandbox's process's apart as `sandbox-*.cpuprofile`;
 * `node --cpu-prof --import tsx bench/apply.ts` profiles the client process only, the sandbox's
 * process is started without the flag.)
 * (`--runs n`: each scenario n times on a fresh sandbox; the median run of each is printed.)
 *
 * With `--warm-sandbox`, the sandbox's reads are warmed before anything is measured
 * (warmSandbox: each read discover makes, run three times on a scratch copy of its tenants, with
 * no request and no latency), as a service that has been answering for a while is warm: a fresh
 * emulator process compiles its shaping code on the first measured read (the first scenario's
 * discover: some 60-90 ms of its CPU, which holds up the requests behind it). The bound is
 * unchanged either way; by default the sandbox starts cold, as it always did.
 *
 * Where the sandbox runs: by default (`--sandbox process`) in a child process of its own, as a
 * real tenant's server is remote: the client's CPU (this process) and the sandbox's (asked of the
 * child at each phase's start and end) are printed apart. `--sandbox thread` runs it in a worker
 * thread of this process and `--in-process` (`--sandbox in-process`) on the client's own thread,
 * for comparison: then the one CPU figure is the whole process's, the sandbox's work included.
 */
import { fork, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Session as Inspector } from 'node:inspector/promises'
import { parseArgs } from 'node:util'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { apply } from '../src/app/apply.js'
import { loadCatalog } from '../src/catalog/index.js'
import { check } from '../src/app/check.js'
import { discover } from '../src/app/discover.js'
import { prerequisites } from '../src/app/schedule.js'
import { newProfile, openSession } from '../src/app/session.js'
import { chooseVendor } from '../src/app/vendor-choice.js'
import type { Change } from '../src/core/change.js'
import type { TenantSnapshot } from '../src/core/model/snapshot.js'
import { plan as makePlan } from '../src/core/planner/plan.js'
import type { Choices, Plan } from '../src/core/planner/types.js'
import type { SandboxApp, SandboxWorld } from '../src/sandbox/contracts.js'
import { createAppCredentials } from '../src/sandbox/identity/index.js'
import { MAX_PAGE_SIZE, parseWorld, seedWorld, startSandbox } from '../src/sandbox/index.js'
import { DEFAULT_TENANT_CONCURRENCY } from '../src/exchange/semaphore.js'
import { CONTEXT_READS } from '../src/app/read-state.js'
import { ALL_SURFACES } from '../src/core/surfaces/registry.js'
import type { Caller } from '../src/sandbox/contracts.js'
import { createEngine } from '../src/sandbox/engine/index.js'
import { createFaults } from '../src/sandbox/faults/index.js'
import { runInvoke } from '../src/sandbox/http/admin-api.js'
import { DEFAULT_LIMITS, TenantBudgets } from '../src/sandbox/http/budget.js'
import type { ServerContext } from '../src/sandbox/http/context.js'
import { openStore } from '../src/store/index.js'

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    entries: { type: 'string', default: '1000,5000' },
    runs: { type: 'string', default: '1' },
    save: { type: 'string' },
    before: { type: 'string' },
    sandbox: { type: 'string', default: 'process' },
    'in-process': { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    profile: { type: 'string' },
    'latency-model': { type: 'string', default: 'floor' },
    'warm-sandbox': { type: 'boolean', default: false },
  },
})
const LATENCY = Number(positionals[0] ?? 300)
/**
 * How the sandbox charges the latency (its `latencyModel` fault): `floor` (default) answers each
 * request `LATENCY` ms after it came in, its own work included, which is "N ms per request" as
 * at Exchange, where a request's time includes the service's work; `added` sleeps `LATENCY` ms
 * and then does the emulator's work (parsing, shaping 5,000 entries), so every answer also
 * carries the emulator's time. Runs saved before 2026-12-06 15:00 UTC used `added`.
 */
const LATENCY_MODEL = flags['latency-model'] === 'added' ? 'added' : 'floor'
const RULES = 250
const ENTRY_COUNTS = flags.entries.split(',').map(Number)
const RUNS = Math.max(1, Number(flags.runs) || 1)
const BEFORE = flags.before ?? join(import.meta.dirname, 'apply.before.json')
/** Where the sandbox runs (see the header). */
const SANDBOX_MODE: 'process' | 'thread' | 'in-process' = flags['in-process']
  ? 'in-process'
  : flags.sandbox === 'in-process' || flags.sandbox === 'thread'
    ? flags.sandbox
    : 'process'
/** Set in the sandbox's child process (`--sandbox process`): the entries its tenants hold. */
const CHILD_ENTRIES = process.env.PASSAGE_BENCH_SANDBOX_CHILD

// --- counting: every request the client sends, and the items of each $batch ------------------
interface Tally {
  requests: number
  adminapi: number
  batches: number
  batchItems: number
}
const tally: Tally = { requests: 0, adminapi: 0, batches: 0, batchItems: 0 }
let phaseStart = performance.now()
const reset = () => {
  phaseStart = performance.now()
  spans = []
  Object.assign(tally, { requests: 0, adminapi: 0, batches: 0, batchItems: 0 })
}
/**
 * Each request's start and end in the phase: the rounds it took are the longest chain of
 * requests each sent after the one before it was answered (a figure the machine's load barely
 * moves, unlike the wall time).
 */
let spans: { start: number; end: number }[] = []
function rounds(): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start)
  const depth: number[] = []
  sorted.forEach((r, i) => {
    let d = 1
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= r.start) d = Math.max(d, depth[j]! + 1)
    depth.push(d)
  })
  return Math.max(0, ...depth)
}
/** With `--trace`: each request's start and end (ms from the phase's start) and what it asked. */
function trace(req: http.ClientRequest): void {
  const span = { start: performance.now(), end: Infinity }
  spans.push(span)
  req.once('close', () => (span.end = Math.min(span.end, performance.now())))
  req.once('response', (res) => res.once('end', () => (span.end = performance.now())))
  if (!flags.trace) return
  const t0 = performance.now() - phaseStart
  const what =
    req.getHeader('x-cmdletname') ?? req.path.replace(/\?.*$/, '').split('/').slice(-2).join('/')
  // When the request was on the wire (a new connection: once its TLS handshake was over).
  let sent = NaN
  let fresh = false
  req.once('socket', (s) => {
    fresh = s.connecting
    req.once('finish', () => (sent = performance.now() - phaseStart))
  })
  req.once('response', (res) => {
    // When the answer's headers came (the sandbox's latency over), then its last byte.
    const head = performance.now() - phaseStart
    res.once('end', () =>
      console.log(
        `  ${t0.toFixed(0).padStart(5)} -> ${(performance.now() - phaseStart).toFixed(0).padStart(5)} ms  (sent at ${sent.toFixed(0)} ms${fresh ? ', new connection' : ''}, headers at ${head.toFixed(0)} ms)  ${String(what)}`,
      ),
    )
  })
}
type AddRequest = (this: http.Agent, req: http.ClientRequest, opts: unknown) => void
const proto = http.Agent.prototype as unknown as { addRequest: AddRequest }
const addRequest = proto.addRequest
proto.addRequest = function (req, opts) {
  tally.requests++
  trace(req)
  if (req.path.includes('/adminapi/')) tally.adminapi++
  if (req.path.includes('/$batch')) {
    tally.batches++
    const end = req.end.bind(req) as (body?: unknown) => http.ClientRequest
    req.end = ((body?: unknown) => {
      if (typeof body === 'string' || Buffer.isBuffer(body))
        tally.batchItems += (JSON.parse(body.toString()) as { requests: unknown[] }).requests.length
      if (flags.trace && (typeof body === 'string' || Buffer.isBuffer(body)))
        console.log(
          `  batch: ${(JSON.parse(body.toString()) as { requests: { headers: Record<string, string> }[] }).requests.map((r) => r.headers['X-CmdletName']).join(', ')}`,
        )
      return end(body)
    }) as typeof req.end
  }
  return addRequest.call(this, req, opts)
}

/** With `--profile <dir>`: a CPU profile of each measured phase (this thread only). */
let inspector: Inspector | null = null
let profiles = 0
if (flags.profile && isMainThread && CHILD_ENTRIES === undefined) {
  inspector = new Inspector()
  inspector.connect()
  await inspector.post('Profiler.enable')
}

// --- the tenants: 250 rules and `entries` entries each ----------------------------------------
function bigWorld(entries: number): SandboxWorld {
  const world = seedWorld()
  for (const t of world.tenants) {
    const state = t.snapshot.state
    const model = state.transportRules.find((r) => r.State === 'Enabled')
    if (!model) continue
    for (let i = state.transportRules.length; i < RULES; i++)
      state.transportRules.push({
        ...model,
        Name: `Bench rule ${String(i).padStart(3, '0')}`,
        Guid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        Priority: i,
        Comments: 'bench',
      })
    const kinds = [
      ['Sender', (i: number) => `sender${i}.bench.example`],
      ['Url', (i: number) => `bench${i}.example.org/*`],
      ['FileHash', (i: number) => i.toString(16).padStart(64, '0')],
    ] as const
    for (let i = state.tabl.items.length; i < entries; i++) {
      const [ListType, value] = kinds[i % 3]!
      state.tabl.items.push({
        Identity: `RgAAAAAbench${String(i).padStart(6, '0')}AAAA0`,
        ListType,
        ListSubType: 'Tenant',
        Action: 'Block',
        Value: value(i),
        ExpirationDate: null,
        RemoveAfter: null,
        LastUsedDate: null,
        Notes: 'bench',
      })
    }
  }
  return parseWorld(JSON.parse(JSON.stringify(world)))
}

// --- the lower bound --------------------------------------------------------------------------
/** The longest chain of changes that must run one after another (in round trips). */
function chain(changes: readonly Change[]): number {
  const pre = prerequisites(changes)
  const depth = new Map<string, number>()
  const of = (id: string): number => {
    const known = depth.get(id)
    if (known !== undefined) return known
    const c = changes.find((x) => x.id === id)!
    const d = c.calls.length + Math.max(0, ...[...(pre.get(id) ?? [])].map(of))
    depth.set(id, d)
    return d
  }
  return Math.max(0, ...changes.map((c) => of(c.id)))
}

/**
 * The follow-up page rounds a read of the Tenant Allow/Block List needs: its entries are listed
 * per list type (and subtype), at most MAX_PAGE_SIZE a page, each next link given with the page
 * before it. Other surfaces hold fewer objects than a page here.
 */
function pageRounds(snap: TenantSnapshot): number {
  const per = new Map<string, number>()
  for (const i of snap.state.tabl.items) {
    const k = `${i.ListType}:${i.ListSubType ?? 'Tenant'}`
    per.set(k, (per.get(k) ?? 0) + 1)
  }
  return Math.max(0, ...[...per.values()].map((n) => Math.ceil(n / MAX_PAGE_SIZE) - 1))
}

/** The follow-up page requests of all the list's reads (each list type's pages after its first). */
function pageRequests(snap: TenantSnapshot): number {
  const per = new Map<string, number>()
  for (const i of snap.state.tabl.items) {
    const k = `${i.ListType}:${i.ListSubType ?? 'Tenant'}`
    per.set(k, (per.get(k) ?? 0) + 1)
  }
  return [...per.values()].reduce((n, c) => n + Math.max(0, Math.ceil(c / MAX_PAGE_SIZE) - 1), 0)
}

interface Row {
  scenario: string
  phase: string
  requests: number
  calls: number
  ms: number
  /**
   * CPU time of this process in the phase: the client's alone when the sandbox ran in a process of
   * its own (sandboxCpuMs set), else the client's and the sandbox's together.
   */
  cpuMs?: number
  /** CPU time of the sandbox's process in the phase (`--sandbox process` only). */
  sandboxCpuMs?: number
  boundTrips: number
  /** The longest chain of requests each sent after the one before it was answered. */
  rounds?: number
}

const SCENARIOS: {
  prefix: string
  vendor: string
  params: Record<string, string>
  mode: Choices['mode']
}[] = [
  { prefix: 'northwind', vendor: 'trustifi', params: {}, mode: 'recipe' },
  {
    prefix: 'contoso',
    vendor: 'contactmonkey',
    params: { region: 'us', dedicatedIp: '167.89.10.20' },
    mode: 'recommended',
  },
]

/** One pass over both vendors on a fresh sandbox whose tenants hold `entries` entries. */
/** The sandbox as the bench uses it, in this thread or in a worker thread. */
interface BenchSandbox {
  url: string
  caPem: string
  /** The tenants as seeded (the sandbox's own copy changes as it runs). */
  world: SandboxWorld
  addApp(tenant: string, app: SandboxApp): Promise<void>
  /** The sandbox's own CPU time so far (ms), when it runs in a process of its own. */
  cpuMs?(): Promise<number>
  /**
   * With `--profile`, when the sandbox runs in a process of its own: starts its CPU profile
   * (no file), or stops it and writes it to `file`.
   */
  profile?(file?: string): Promise<void>
  close(): Promise<void>
}

/** Every request waits; the tenant's budget is generous (this measures round trips). */
const faults = () =>
  `latency=${LATENCY},latencyModel=${LATENCY_MODEL},scope=all,budget=100000/s,concurrency=1000`

/**
 * Starts the sandbox. By default (`--sandbox process`) in a child process, as a real service runs
 * apart from its client: its CPU (cloning and validating the tenant on every write, shaping large
 * lists) then neither queues behind the client's on one event loop nor counts in the client's
 * CPU. `--sandbox thread` runs it in a worker thread, `--in-process` on the client's thread.
 */
async function benchSandbox(entries: number): Promise<BenchSandbox> {
  const world = bigWorld(entries)
  if (SANDBOX_MODE === 'process') return childSandbox(entries, world)
  if (SANDBOX_MODE === 'in-process') {
    warmSandbox(entries)
    const sb = await startSandbox({
      port: 0,
      initialWorld: () => bigWorld(entries),
      faults: faults(),
    })
    return {
      url: sb.url,
      caPem: sb.caPem,
      world,
      addApp: async (tenant, app) => sb.addApp(tenant, app),
      close: () => sb.close(),
    }
  }
  // tsx's loader does not reach worker threads by itself: the worker registers it, then loads
  // this file, which sees it is not the main thread.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then((tsx) => tsx.register())
    .then(() => import(${JSON.stringify(import.meta.url)}))`
  const worker = new Worker(boot, { eval: true, workerData: { entries } })
  const answers = new Map<number, () => void>()
  let next = 0
  const ready = await new Promise<{ url: string; caPem: string }>((resolve, reject) => {
    worker.once('error', reject)
    worker.on('message', (m: { type: string; id?: number; url?: string; caPem?: string }) => {
      if (m.type === 'ready') resolve({ url: m.url!, caPem: m.caPem! })
      else if (m.id !== undefined) answers.get(m.id)?.()
    })
  })
  const ask = (msg: Record<string, unknown>) =>
    new Promise<void>((resolve) => {
      const id = next++
      answers.set(id, resolve)
      worker.postMessage({ ...msg, id })
    })
  return {
    ...ready,
    world,
    addApp: (tenant, app) => ask({ type: 'addApp', tenant, app }),
    close: async () => {
      await ask({ type: 'close' })
      await worker.terminate()
    },
  }
}

/** The worker thread's side: runs the sandbox and answers the bench's messages. */
async function sandboxWorker(): Promise<void> {
  const { entries } = workerData as { entries: number }
  warmSandbox(entries)
  const sb = await startSandbox({
    port: 0,
    initialWorld: () => bigWorld(entries),
    faults: faults(),
  })
  const port = parentPort!
  port.on('message', (m: { type: string; id: number; tenant?: string; app?: SandboxApp }) => {
    if (m.type === 'addApp') {
      sb.addApp(m.tenant!, m.app!)
      port.postMessage({ type: 'done', id: m.id })
    } else if (m.type === 'close')
      void sb.close().then(() => port.postMessage({ type: 'done', id: m.id }))
  })
  port.postMessage({ type: 'ready', url: sb.url, caPem: sb.caPem })
}

/** Messages between the bench and the sandbox's child process. */
type ChildAsk =
  | { type: 'addApp'; id: number; tenant: string; app: SandboxApp }
  | { type: 'cpu'; id: number }
  | { type: 'profile'; id: number; file?: string }
  | { type: 'close'; id: number }
type ChildAnswer =
  { type: 'ready'; url: string; caPem: string } | { type: 'done'; id: number; cpuMs?: number }

/**
 * The sandbox in a child process: this file again, run with the same arguments and told by
 * PASSAGE_BENCH_SANDBOX_CHILD how many entries its tenants hold; it hands back its URL and CA
 * certificate over the IPC channel (the client trusts that CA, as with `passage sandbox`'s
 * ca.pem). The child starts without this process's profiling flags.
 */
async function childSandbox(entries: number, world: SandboxWorld): Promise<BenchSandbox> {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--cpu-prof'))
  const child: ChildProcess = fork(import.meta.filename, process.argv.slice(2), {
    execArgv,
    env: { ...process.env, PASSAGE_BENCH_SANDBOX_CHILD: String(entries) },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const answers = new Map<number, (cpuMs: number) => void>()
  let next = 0
  const ready = await new Promise<{ url: string; caPem: string }>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the sandbox's process exited (${code})`)))
    child.on('message', (m: ChildAnswer) => {
      if (m.type === 'ready') resolve({ url: m.url, caPem: m.caPem })
      else answers.get(m.id)?.(m.cpuMs ?? 0)
    })
  })
  const ask = (msg: { type: ChildAsk['type']; tenant?: string; app?: SandboxApp; file?: string }) =>
    new Promise<number>((resolve) => {
      const id = next++
      answers.set(id, resolve)
      child.send({ ...msg, id })
    })
  return {
    ...ready,
    world,
    addApp: async (tenant, app) => void (await ask({ type: 'addApp', tenant, app })),
    cpuMs: () => ask({ type: 'cpu' }),
    ...(flags.profile
      ? { profile: async (file?: string) => void (await ask({ type: 'profile', file })) }
      : {}),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      await ask({ type: 'close' })
      child.disconnect()
      await exited
    },
  }
}

/** The child process's side: runs the sandbox and answers the bench's messages. */
/**
 * Warms the sandbox's read path (see the header): every read discover makes (the surfaces' and
 * the tenant context's, app/read-state.ts), answered three times as the admin API answers it
 * (runInvoke, text and all) on a scratch copy of the tenants, in this process before it serves
 * the bench. Nothing goes over the network and the served world is not touched.
 */
function warmSandbox(entries: number): void {
  if (!flags['warm-sandbox']) return
  const world = bigWorld(entries)
  const ctx: ServerContext = {
    world: () => world,
    engine: createEngine(),
    faults: createFaults(undefined),
    budgets: new TenantBudgets(DEFAULT_LIMITS),
    baseUrl: () => 'https://127.0.0.1',
    now: () => new Date(),
    newId: () => 'warm-up',
    verify: () => Promise.reject(new Error('not used')),
    persist: () => {},
  }
  const reads = [...ALL_SURFACES.flatMap((s) => s.reads), ...CONTEXT_READS]
  for (let round = 0; round < 3; round++)
    for (const tenant of world.tenants) {
      const admin = tenant.admins.find((a) => a.roles.includes('Global Administrator'))
      if (!admin) continue
      const caller: Caller = {
        tenantId: tenant.snapshot.tenant.id,
        kind: 'user',
        name: admin.upn,
        objectId: admin.objectId,
        roles: admin.roles,
        exchangeApiEnabled: true,
        scopes: [],
      }
      for (const r of reads)
        runInvoke(ctx, {
          version: 'beta',
          tenantKey: tenant.snapshot.tenant.id,
          tenant,
          caller,
          body: { CmdletInput: { CmdletName: r.call.cmdlet, Parameters: r.call.params } },
          select: undefined,
          skipToken: undefined,
          prefer: `odata.maxpagesize=${MAX_PAGE_SIZE}`,
        })
    }
}

async function sandboxChild(entries: number): Promise<void> {
  warmSandbox(entries)
  const sb = await startSandbox({
    port: 0,
    initialWorld: () => bigWorld(entries),
    faults: faults(),
  })
  const send = (m: ChildAnswer) => process.send!(m)
  // With `--profile`: the sandbox's own CPU profile of each measured phase (the bench asks).
  const profiler = flags.profile ? new Inspector() : null
  if (profiler) {
    profiler.connect()
    await profiler.post('Profiler.enable')
  }
  process.on('message', (m: ChildAsk) => {
    if (m.type === 'profile') {
      const file = m.file
      const done = !profiler
        ? Promise.resolve()
        : file
          ? profiler
              .post('Profiler.stop')
              .then(({ profile }) => writeFileSync(file, JSON.stringify(profile)))
          : profiler.post('Profiler.start')
      void done.then(() => send({ type: 'done', id: m.id }))
    } else if (m.type === 'addApp') {
      sb.addApp(m.tenant, m.app)
      send({ type: 'done', id: m.id })
    } else if (m.type === 'cpu') {
      const cpu = process.cpuUsage()
      send({ type: 'done', id: m.id, cpuMs: (cpu.user + cpu.system) / 1000 })
    } else void sb.close().then(() => send({ type: 'done', id: m.id }))
  })
  // The bench gone (closed or killed), the sandbox goes too.
  process.once('disconnect', () => process.exit(0))
  send({ type: 'ready', url: sb.url, caPem: sb.caPem })
}

async function runOnce(entries: number, dir: string): Promise<Row[]> {
  const sb = await benchSandbox(entries)
  const store = await openStore(':memory:')
  const rows: Row[] = []
  try {
    for (const sc of SCENARIOS) {
      const t = sb.world.tenants.find((x) => x.snapshot.tenant.name.startsWith(sc.prefix))!
      const creds = createAppCredentials({
        displayName: 'passage bench',
        appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', 'Domain.Read.All'],
        roles: ['Exchange Administrator'],
      })
      await sb.addApp(t.snapshot.tenant.name, creds.app)
      writeFileSync(join(dir, 'cert.pem'), creds.certificatePem)
      writeFileSync(join(dir, 'key.pem'), creds.privateKeyPem, { mode: 0o600 })
      const session = await openSession(
        newProfile({
          tenant: t.snapshot.tenant.name,
          sandboxUrl: sb.url,
          auth: {
            kind: 'certificate',
            clientId: creds.app.clientId,
            certificateFile: join(dir, 'cert.pem'),
            keyFile: join(dir, 'key.pem'),
          },
        }),
        { caPem: sb.caPem },
      )
      // Tokens are fetched before the clock starts (sign-in is not measured).
      await session.exo.invoke({ cmdlet: 'Get-AcceptedDomain', params: {} })
      await session.graph.organization()
      const name = `${sc.vendor} (${t.snapshot.state.transportRules.length} rules, ${t.snapshot.state.tabl.items.length} entries)`
      const measure = async <T>(phase: string, boundTrips: number, fn: () => Promise<T>) => {
        const sandboxCpu0 = sb.cpuMs ? await sb.cpuMs() : 0
        // The sandbox's profile (--profile) is started before the clock, not on it.
        await sb.profile?.()
        reset()
        const cpu0 = process.cpuUsage()
        const t0 = performance.now()
        if (flags.trace) console.log(`${name} ${phase}:`)
        if (inspector) await inspector.post('Profiler.start')
        const out = await fn()
        const ms = performance.now() - t0
        if (inspector) {
          const { profile } = await inspector.post('Profiler.stop')
          const file = `${sc.vendor}-${entries}-${phase}-${profiles++}.cpuprofile`
          writeFileSync(join(flags.profile!, file), JSON.stringify(profile))
          await sb.profile?.(join(flags.profile!, `sandbox-${file}`))
        }
        const cpu = process.cpuUsage(cpu0)
        const sandboxCpu = sb.cpuMs ? (await sb.cpuMs()) - sandboxCpu0 : undefined
        rows.push({
          scenario: name,
          phase,
          requests: tally.requests,
          rounds: rounds(),
          calls: tally.requests - tally.batches + tally.batchItems,
          ms,
          cpuMs: (cpu.user + cpu.system) / 1000,
          ...(sandboxCpu === undefined ? {} : { sandboxCpuMs: sandboxCpu }),
          boundTrips,
        })
        return out
      }
      // The groups policies and presets scope by are read once the policies are known: the
      // bench's app may not read groups from Graph, so each is one Exchange request
      // (Get-DistributionGroupMember), beside the list's further pages. Both share the tenant's
      // cap of requests in flight (exchange/semaphore.ts, the client's one limit): when they
      // outnumber it, they take more than one round.
      const snap = t.snapshot
      const groups = new Set(
        [
          ...snap.presets,
          ...snap.state.antiSpam.rules,
          ...snap.state.antiPhish.rules,
          ...snap.state.malware.rules,
          ...(snap.state.safeLinks?.rules ?? []),
          ...(snap.state.safeAttachments?.rules ?? []),
        ].flatMap((r) =>
          [...r.SentToMemberOf, ...r.ExceptIfSentToMemberOf].map((a) => a.toLowerCase()),
        ),
      ).size
      const pages = pageRounds(snap)
      const afterFirst = Math.ceil((pageRequests(snap) + groups) / DEFAULT_TENANT_CONCURRENCY)
      // The groups depend on the policies' first page, not on the list's further pages: the two
      // can share the second round, as far as the cap lets them.
      const d = await measure('discover', 1 + Math.max(groups > 0 ? 1 : 0, pages, afterFirst), () =>
        discover(session, store),
      )
      const p: Plan = makePlan(
        chooseVendor(sc.vendor, { ...sc.params }),
        { mode: sc.mode },
        d.snapshot,
        {
          now: new Date().toISOString(),
        },
      )
      // The drift read reads the surfaces the plan changes: the list's pages only when it
      // changes Tenant Allow/Block List entries.
      const driftPages = p.changes.some((c) => c.surface === 'tabl-item') ? pages : 0
      const a = await measure('apply', 1 + driftPages + chain(p.changes), () =>
        apply(session, store, p),
      )
      if (a.status !== 'done') throw new Error(`apply ${a.status}: ${JSON.stringify(a.steps)}`)
      // Check reads back the surfaces the plan changes: the list's pages only when it changes
      // Tenant Allow/Block List entries, as the drift read.
      const c = await measure('check', 1 + driftPages, () => check(session, store, p))
      if (!c.green) throw new Error(`check not green: ${JSON.stringify(c.findings)}`)
      session.close()
    }
  } finally {
    await store.close()
    await sb.close()
  }
  return rows
}

/** Per scenario and phase, the run whose scenario total is the median one. */
function medianRuns(runs: Row[][]): Row[] {
  if (runs.length === 1) return runs[0]!
  const out: Row[] = []
  const scenarios = [...new Set(runs[0]!.map((r) => r.scenario))]
  for (const sc of scenarios) {
    const totals = runs
      .map((rows) => rows.filter((r) => r.scenario === sc))
      .sort((a, b) => sum(a, 'ms') - sum(b, 'ms'))
    out.push(...totals[Math.floor(totals.length / 2)]!)
  }
  return out
}

const sum = (
  rows: Row[],
  k: 'ms' | 'cpuMs' | 'sandboxCpuMs' | 'requests' | 'calls' | 'boundTrips' | 'rounds',
) => rows.reduce((n, r) => n + (r[k] ?? 0), 0)

/** Each scenario's rows followed by its total. */
function withTotals(rows: Row[]): Row[] {
  const out: Row[] = []
  for (const sc of [...new Set(rows.map((r) => r.scenario))]) {
    const mine = rows.filter((r) => r.scenario === sc && r.phase !== 'total')
    out.push(...mine, {
      scenario: sc,
      phase: 'total',
      requests: sum(mine, 'requests'),
      calls: sum(mine, 'calls'),
      ms: sum(mine, 'ms'),
      cpuMs: sum(mine, 'cpuMs'),
      ...(mine.every((r) => r.sandboxCpuMs !== undefined)
        ? { sandboxCpuMs: sum(mine, 'sandboxCpuMs') }
        : {}),
      boundTrips: sum(mine, 'boundTrips'),
      ...(mine.every((r) => r.rounds !== undefined) ? { rounds: sum(mine, 'rounds') } : {}),
    })
  }
  return out
}

const SANDBOX_WHERE = {
  process: 'a child process (its CPU apart)',
  thread: 'a worker thread of this process (its CPU included)',
  'in-process': "this process's thread (its CPU included)",
} as const
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const ratio = (r: Row) => `${(r.ms / (r.boundTrips * LATENCY)).toFixed(2)}x`

function table(head: string[], body: string[][], left: number): void {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const b of body) console.log(line(b))
}

function print(rows: Row[]): void {
  const body = withTotals(rows).map((r) => [
    r.phase === 'discover' ? r.scenario : '',
    r.phase,
    String(r.requests),
    r.rounds === undefined ? '-' : String(r.rounds),
    String(r.calls),
    secs(r.ms),
    r.cpuMs === undefined ? '-' : secs(r.cpuMs),
    r.sandboxCpuMs === undefined ? '-' : secs(r.sandboxCpuMs),
    `${secs(r.boundTrips * LATENCY)} (${r.boundTrips} × ${LATENCY} ms)`,
    ratio(r),
    `${secs(r.calls * LATENCY)} (${r.calls} × ${LATENCY} ms)`,
  ])
  console.log(
    `Latency ${LATENCY} ms per request (${LATENCY_MODEL === 'floor' ? "the sandbox's own work included" : "plus the sandbox's own work"}, --latency-model ${LATENCY_MODEL}); sign-in not measured; sandbox: ${SANDBOX_WHERE[SANDBOX_MODE]}${flags['warm-sandbox'] ? ', its reads warmed before measuring (--warm-sandbox)' : ''}.`,
  )
  table(
    [
      'scenario',
      'phase',
      'round trips',
      'rounds',
      'cmdlet/Graph calls',
      'wall',
      SANDBOX_MODE === 'process' ? 'client cpu' : 'cpu',
      'sandbox cpu',
      'lower bound',
      'wall/bound',
      'one after another',
    ],
    body,
    2,
  )
  console.log(
    [
      '',
      'round trips: HTTPS requests sent ($batch = 1); rounds: the longest chain of them each sent after',
      'the one before was answered (the bound counts these); cmdlet/Graph calls: each $batch item',
      'counted on its own. lower bound: dependent round trips × latency (discover: one batched round,',
      'then the groups policies name and the further pages of a list longer than a page, side by side',
      `as far as the tenant's cap of ${DEFAULT_TENANT_CONCURRENCY} requests in flight lets them;`,
      'apply: the drift read and its further pages + the longest chain of changes that must run in',
      'order; check: one round of the surfaces the plan changes + their further pages).',
      'one after another: every call as its own request, one at a time (computed, not run).',
      ...(SANDBOX_MODE === 'process'
        ? [
            "client cpu: CPU time of the bench's process (passage) in the phase; sandbox cpu: of the",
            "sandbox's process, which at a real tenant is Microsoft's, inside the latency (on a busy",
            'machine, wall time beyond the bound that is not round trips is mostly the client cpu, or',
            'waiting for a core).',
          ]
        : [
            'cpu: CPU time of this process in the phase, the sandbox included (on a busy machine,',
            'wall time beyond the bound that is not round trips is mostly this, waiting for a core).',
          ]),
    ].join('\n'),
  )
}

/** A saved run beside this one: wall time and ratio of each, per scenario and phase. */
const cell = (r: Row) =>
  `${secs(r.ms)} ${ratio(r)} (${r.requests} trips${r.rounds === undefined ? '' : ` in ${r.rounds} rounds`}${r.cpuMs === undefined ? '' : `, cpu ${secs(r.cpuMs)}`}${r.sandboxCpuMs === undefined ? '' : ` + sandbox ${secs(r.sandboxCpuMs)}`})`

function printBeside(before: { label: string; rows: Row[] }, after: Row[]): void {
  const b = withTotals(before.rows)
  const body: string[][] = []
  for (const r of withTotals(after)) {
    const old = b.find((x) => x.scenario === r.scenario && x.phase === r.phase)
    body.push([
      r.phase === 'discover' ? r.scenario : '',
      r.phase,
      // The bound is the scenario's (the same plan and tenant), whichever code ran it.
      old ? cell({ ...old, boundTrips: r.boundTrips }) : '-',
      cell(r),
      secs(r.boundTrips * LATENCY),
    ])
  }
  console.log(
    `\nBefore (${before.label}) and after (this run); each ratio is to its own run's bound:`,
  )
  table(['scenario', 'phase', 'before', 'after', 'lower bound'], body, 2)
}

async function main(): Promise<void> {
  // The vendor catalog is loaded before any clock starts, as sign-in is: the built CLI reads it
  // as JSON in a few milliseconds (src/catalog/built.ts), where running from the sources (as the
  // bench does) reads and validates the YAML profiles, a cost the first discover would carry.
  loadCatalog()
  const dir = mkdtempSync(join(tmpdir(), 'passage-bench-'))
  const rows: Row[] = []
  try {
    for (const entries of ENTRY_COUNTS) {
      const runs: Row[][] = []
      for (let i = 0; i < RUNS; i++) runs.push(await runOnce(entries, dir))
      rows.push(...medianRuns(runs))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  print(rows)
  if (flags.save) {
    const label = `${new Date().toISOString().slice(0, 16)}Z, latency ${LATENCY} ms, median of ${RUNS}, sandbox ${SANDBOX_MODE}`
    writeFileSync(flags.save, `${JSON.stringify({ label, rows }, null, 2)}\n`)
    console.log(`\nSaved to ${flags.save}.`)
  } else if (existsSync(BEFORE)) {
    const before = JSON.parse(readFileSync(BEFORE, 'utf8')) as { label: string; rows: Row[] }
    printBeside(before, rows)
  }
}

if (!isMainThread) await sandboxWorker()
else if (CHILD_ENTRIES !== undefined) await sandboxChild(Number(CHILD_ENTRIES))
else await main()

/**
 * Load benchmark of the sandbox on loopback: runs the sandbox in a child process (so that the
 * client does not share its CPU), signs in once, then keeps CONCURRENCY admin API requests in
 * flight until TOTAL have completed, and prints requests per second and latencies.
 * Run: node --import tsx bench/sandbox-load.ts [total] [concurrency] [--in-process]
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startSandbox } from '../src/sandbox/index.js'
import { deviceCodeToken, invoke } from '../test/sandbox/helpers.js'

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const TOTAL = Number(args[0] ?? 4000)
const CONCURRENCY = Number(args[1] ?? 200)
// A generous budget: this measures the server, not its throttling.
const FAULTS = 'budget=1000000/s,concurrency=100000'
const P2 = { id: 'fd46b0cc-ba27-4bee-ac95-13bad50640e3', name: 'contoso.onmicrosoft.com' }
const GW = { id: 'd03b82dc-4553-48a6-9dc6-6947743824e4', name: 'northwindtraders.onmicrosoft.com' }

if (process.argv.includes('--server')) {
  // Child: run the sandbox, say where it is, stay up until told to stop.
  const sb = await startSandbox({ certDir: null, faults: FAULTS })
  process.stdout.write(`${JSON.stringify({ url: sb.url, caPem: sb.caPem })}\n`)
  process.once('SIGTERM', () => void sb.close())
} else {
  await client()
}

async function server(): Promise<{ url: string; caPem: string; close(): Promise<void> }> {
  if (process.argv.includes('--in-process')) return startSandbox({ certDir: null, faults: FAULTS })
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--server'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)))
  })
  const { url, caPem } = JSON.parse(line) as { url: string; caPem: string }
  return {
    url,
    caPem,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

async function client(): Promise<void> {
  const sb = await server()
  try {
    const [p2, gw] = await Promise.all([
      deviceCodeToken(sb, P2.id, `admin@${P2.name}`),
      deviceCodeToken(sb, GW.id, `admin@${GW.name}`),
    ])
    const kinds = [
      () => invoke(sb, p2.access_token, P2.id, 'Get-HostedConnectionFilterPolicy'),
      () => invoke(sb, p2.access_token, P2.id, 'Get-AcceptedDomain'),
      () =>
        invoke(
          sb,
          gw.access_token,
          GW.id,
          'Get-TransportRule',
          {},
          {
            headers: { prefer: 'odata.maxpagesize=20' },
          },
        ),
    ]
    // Warm up connections and JIT.
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => kinds[i % kinds.length]!()))
    const latencies: number[] = []
    const statuses = new Map<number, number>()
    let next = 0
    const started = performance.now()
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++
        const t0 = performance.now()
        const r = await kinds[i % kinds.length]!()
        latencies.push(performance.now() - t0)
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0
    const where = process.argv.includes('--in-process') ? 'in-process' : 'separate process'
    console.log(
      `sandbox load: ${TOTAL} requests, ${CONCURRENCY} concurrent, over HTTPS on loopback (${where})`,
    )
    console.log(`  ${(TOTAL / seconds).toFixed(0)} requests/s in ${seconds.toFixed(2)} s`)
    console.log(
      `  latency ms: p50 ${pct(0.5).toFixed(1)}, p95 ${pct(0.95).toFixed(1)}, p99 ${pct(0.99).toFixed(1)}, max ${pct(1).toFixed(1)}`,
    )
    console.log(`  statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`)
  } finally {
    await sb.close()
  }
}

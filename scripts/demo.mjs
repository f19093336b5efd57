// The main job on the built-in examples: plan Trustifi's recipe on the gateway tenant with a relay
// rule, and ContactMonkey on the Defender P2 tenant, printing each plan and its PowerShell.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'dist', 'cli', 'main.js')
const runs = [
  ['plan', 'trustifi', '--tenant-snapshot', 'examples/gateway-relay.json', '--mechanism', 'recipe'],
  [
    'plan',
    'trustifi',
    '--tenant-snapshot',
    'examples/gateway-relay.json',
    '--mechanism',
    'recipe',
    '--powershell',
    '-',
  ],
  [
    'plan',
    'contactmonkey',
    '--tenant-snapshot',
    'examples/defender-p2-standard-preset.json',
    '--param',
    'region=us',
    '--param',
    'dedicatedIp=167.89.10.20',
  ],
  [
    'plan',
    'knowbe4',
    '--tenant-snapshot',
    'examples/eop-only.json',
    '--param',
    'simulationDomains=training-mail-demo.com',
  ],
]
for (const args of runs) {
  console.log(`\n$ passage ${args.join(' ')}\n`)
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

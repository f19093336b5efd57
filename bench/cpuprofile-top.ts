/**
 * Summarises V8 CPU profiles (.cpuprofile JSON, as `node --cpu-prof` and bench/fleet.ts
 * `--profile <dir>` write them): per file, the total sampled time and the functions with the
 * most self time (function name + script URL + line), and the self time per package or folder.
 *
 * Run: node --import tsx bench/cpuprofile-top.ts <file.cpuprofile | dir> [--top 25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { summariseProfile, type CpuProfile } from './cpuprofile-summary.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
})
const TOP = Number(values.top)

for (const arg of positionals) {
  const files = statSync(arg).isDirectory()
    ? readdirSync(arg)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort()
        .map((f) => join(arg, f))
    : [arg]
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
    const s = summariseProfile(profile)
    const pct = (us: number) => `${((100 * us) / Math.max(1, s.totalUs)).toFixed(1)}%`.padStart(6)
    const sec = (us: number) => `${(us / 1e6).toFixed(2)} s`.padStart(9)
    console.log(
      `\n== ${file}: ${(s.totalUs / 1e6).toFixed(1)} s sampled, ${((s.totalUs - s.idleUs) / 1e6).toFixed(1)} s busy`,
    )
    console.log('-- self time by area')
    for (const a of s.byArea.slice(0, TOP))
      console.log(`${sec(a.selfUs)} ${pct(a.selfUs)}  ${a.area}`)
    console.log('-- self time by function')
    for (const f of s.byFunction.slice(0, TOP))
      console.log(
        `${sec(f.selfUs)} ${pct(f.selfUs)}  ${f.functionName || '(anonymous)'}  ${f.where}`,
      )
  }
}

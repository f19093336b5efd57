/** Self time of a V8 CPU profile (.cpuprofile JSON) by function and by area (package or folder). */

export interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
  }[]
  samples: number[]
  timeDeltas: number[]
}

export interface ProfileSummary {
  totalUs: number
  idleUs: number
  byFunction: { functionName: string; where: string; selfUs: number }[]
  byArea: { area: string; selfUs: number }[]
}

/**
 * The area of a script: a package under node_modules (scoped ones with their scope), a folder
 * two deep under src/ or bench/, Node's own modules, or V8's pseudo-frames by name.
 */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/')
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url)
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`
  const src = url.search(/\/(src|bench)\//)
  if (src >= 0) {
    const parts = url.slice(src + 1).split('/')
    return parts.slice(0, Math.min(3, parts.length - 1)).join('/') || parts.join('/')
  }
  return url
}

export function summariseProfile(p: CpuProfile): ProfileSummary {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]))
  const selfByNode = new Map<number, number>()
  let total = 0
  // DevTools' convention: the time until the next sample belongs to this one.
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0
    total += dt
    const id = p.samples[i]!
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + dt)
  }
  const fn = new Map<string, { functionName: string; where: string; selfUs: number }>()
  const area = new Map<string, number>()
  let idle = 0
  for (const [id, us] of selfByNode) {
    const cf = nodes.get(id)?.callFrame
    if (!cf) continue
    if (cf.functionName === '(idle)') idle += us
    const short = cf.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')
    const where = cf.url ? `${short}:${cf.lineNumber + 1}` : ''
    const key = `${cf.functionName}|${where}`
    const f = fn.get(key) ?? { functionName: cf.functionName, where, selfUs: 0 }
    f.selfUs += us
    fn.set(key, f)
    const a = areaOf(cf.url, cf.functionName)
    area.set(a, (area.get(a) ?? 0) + us)
  }
  return {
    totalUs: total,
    idleUs: idle,
    byFunction: [...fn.values()].sort((a, b) => b.selfUs - a.selfUs),
    byArea: [...area]
      .map(([a, us]) => ({ area: a, selfUs: us }))
      .sort((a, b) => b.selfUs - a.selfUs),
  }
}

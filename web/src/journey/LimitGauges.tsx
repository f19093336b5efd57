import type { Change } from '../types'
import './journey.css'

/** One Microsoft limit with the tenant's count before and after the whole plan. */
export interface LimitGauge {
  limit: string
  before: number
  after: number
  max: number
}

/**
 * The plan's limits, one per limit: several changes touching the same limit (four allow entries
 * in one list) make one gauge from the lowest count before to the highest after.
 */
export function gaugesOf(changes: readonly Change[]): LimitGauge[] {
  const byLimit = new Map<string, LimitGauge>()
  for (const c of changes)
    for (const l of c.limits) {
      const g = byLimit.get(l.limit)
      if (!g) byLimit.set(l.limit, { limit: l.limit, before: l.before, after: l.after, max: l.max })
      else {
        g.before = Math.min(g.before, l.before)
        g.after = Math.max(g.after, l.after)
        g.max = Math.max(g.max, l.max)
      }
    }
  return [...byLimit.values()]
}

const W = 420
const H = 18

/**
 * Microsoft's limits the plan touches, one gauge per limit: the count today, what the plan adds,
 * and the maximum (red when the plan takes it past 80% of it). Each gauge is an image with its
 * figures as its name, and the figures are written beside it.
 */
export function LimitGauges({ changes }: { changes: readonly Change[] }) {
  const gauges = gaugesOf(changes)
  if (!gauges.length) return <p className="empty">No list or count limit is touched.</p>
  return (
    <ul className="gauges" data-testid="limit-gauges">
      {gauges.map((g) => {
        const scale = (n: number) => (Math.min(n, g.max) / Math.max(1, g.max)) * W
        const near = g.after >= g.max * 0.8
        const words = `${g.limit}: ${g.before} → ${g.after} of ${g.max}`
        return (
          <li key={g.limit} data-limit={g.limit}>
            <div className="small">{words}</div>
            <svg
              className="gauge-svg"
              role="img"
              aria-label={words}
              viewBox={`0 0 ${W + 2} ${H + 2}`}
              width={W + 2}
              height={H + 2}
            >
              <rect className="g-track" x={1} y={1} width={W} height={H} rx={4} />
              <rect className="g-before" x={1} y={1} width={scale(g.before)} height={H} />
              <rect
                className={near ? 'g-near' : 'g-added'}
                x={1 + scale(g.before)}
                y={1}
                width={Math.max(scale(g.after) - scale(g.before), g.after > g.before ? 2 : 0)}
                height={H}
              />
            </svg>
          </li>
        )
      })}
    </ul>
  )
}

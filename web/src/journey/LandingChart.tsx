import { useId } from 'react'
import type { LandingGroup, Placement } from '../types'
import './journey.css'
import { PLACEMENT_WORDS } from './words'

const ORDER: Placement[] = ['inbox', 'junk', 'quarantine', 'dropped', 'rejected', 'unknown']
const LABEL_W = 250
const BAR_W = 420
const BAR_H = 22
const ROW_H = 30

/** `3 Inbox, 1 Junk Email` for one bar. */
function counts(c: Record<Placement, number>): string {
  const parts = ORDER.filter((p) => c[p] > 0).map((p) => `${c[p]} ${PLACEMENT_WORDS[p]}`)
  return parts.length ? parts.join(', ') : 'none'
}

/**
 * Where the vendor's typical messages land, today and after the plan, for each group of
 * recipients (each preset policy's members, then everyone else): one stacked bar per group and
 * moment. An accessible SVG, with the same figures as a table for screen readers.
 */
export function LandingChart({ groups }: { groups: LandingGroup[] }) {
  const id = useId()
  if (!groups.length) return null
  const bars = groups.flatMap((g) => [
    { g, when: 'Today', c: g.before },
    ...(g.after ? [{ g, when: 'After the plan', c: g.after }] : []),
  ])
  const height = bars.length * ROW_H + groups.length * 20 + 8
  let y = 4
  const desc = bars.map((b) => `${b.g.label}, ${b.when.toLowerCase()}: ${counts(b.c)}`).join('. ')
  return (
    <div className="landing" data-testid="landing-chart">
      <h4>Where the messages land, by recipient</h4>
      <svg
        className="landing-svg"
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        viewBox={`0 0 ${LABEL_W + BAR_W + 8} ${height}`}
        width={LABEL_W + BAR_W + 8}
        height={height}
      >
        <title id={`${id}-t`}>Where the vendor’s messages land, today and after the plan</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {groups.map((g) => {
          const top = y
          y += 20
          const rows = [
            { when: 'Today', c: g.before },
            ...(g.after ? [{ when: 'After the plan', c: g.after }] : []),
          ].map((b) => {
            const rowY = y
            y += ROW_H
            let x = LABEL_W
            return (
              <g key={b.when} data-group={g.preset ?? 'ordinary'} data-when={b.when}>
                <text x={LABEL_W - 8} y={rowY + 15} textAnchor="end">
                  {b.when}
                </text>
                {ORDER.filter((p) => b.c[p] > 0).map((p) => {
                  const w = (b.c[p] / Math.max(1, g.copies)) * BAR_W
                  const seg = (
                    <g key={p} data-placement={p}>
                      <rect className={`seg-${p}`} x={x} y={rowY} width={w} height={BAR_H} />
                      {w > 28 && (
                        <text className="seg-label" x={x + 6} y={rowY + 15}>
                          {b.c[p]}
                        </text>
                      )}
                    </g>
                  )
                  x += w
                  return seg
                })}
              </g>
            )
          })
          return (
            <g key={g.preset ?? 'ordinary'}>
              <text x={4} y={top + 14} fontWeight={700}>
                {`${g.label} (${g.recipients.length} recipient${g.recipients.length === 1 ? '' : 's'})`}
              </text>
              {rows}
            </g>
          )
        })}
      </svg>
      <ul className="landing-legend" aria-hidden="true">
        {ORDER.slice(0, 3).map((p) => (
          <li key={p}>
            <span className={`key seg-${p}`} />
            {PLACEMENT_WORDS[p]}
          </li>
        ))}
      </ul>
      <table className="sr-only">
        <caption>Where the messages land, by recipient</caption>
        <thead>
          <tr>
            <th scope="col">Recipients</th>
            <th scope="col">Today</th>
            <th scope="col">After the plan</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.preset ?? 'ordinary'}>
              <th scope="row">
                {g.label}: {g.recipients.join(', ')}
              </th>
              <td>{counts(g.before)}</td>
              <td>{g.after ? counts(g.after) : 'no plan'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

// The dashboard's two charts as plain SVG (no chart library: two bar charts do not need one).
// Every chart has a text equivalent for screen readers (a list), and no inline styles (the CSP).
import type { Counts, Expiry, TenantState, Verdict } from './types'

const STATE_WORDS: Record<TenantState, string> = {
  enrolled: 'Enrolled',
  'consent-pending': 'Consent pending',
  'no-access': 'No access',
  removed: 'Removed',
}
const CHECK_WORDS: Record<Verdict, string> = {
  green: 'Check green',
  red: 'Check red',
  unknown: 'Not checked',
}

function Bars({
  title,
  bars,
  onPick,
}: {
  title: string
  bars: { key: string; label: string; value: number; cls: string }[]
  onPick?: (key: string) => void
}) {
  const max = Math.max(1, ...bars.map((b) => b.value))
  const rowH = 26
  const height = bars.length * rowH + 4
  return (
    <figure className="fleet-chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 400 ${height}`}
        width="100%"
        height={height}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.value}`).join(', ')}`}
      >
        {bars.map((b, i) => (
          <g key={b.key} transform={`translate(0 ${i * rowH + 2})`}>
            <text x="0" y="16" className="fleet-chart-label">
              {b.label}
            </text>
            <rect
              x="130"
              y="3"
              height="18"
              width={Math.max(1, (b.value / max) * 220)}
              className={`fleet-bar ${b.cls}`}
            />
            <text x={136 + (b.value / max) * 220} y="16" className="fleet-chart-value">
              {b.value}
            </text>
          </g>
        ))}
      </svg>
      {onPick && (
        <ul className="fleet-chart-keys">
          {bars.map((b) => (
            <li key={b.key}>
              <button type="button" className="link" onClick={() => onPick(b.key)}>
                Show {b.label.toLowerCase()} ({b.value})
              </button>
            </li>
          ))}
        </ul>
      )}
    </figure>
  )
}

/** Tenants by fleet state and by the last check's verdict; a bar's button filters the table. */
export function StateChart({
  counts,
  onState,
  onCheck,
}: {
  counts: Counts
  onState: (s: string) => void
  onCheck: (c: string) => void
}) {
  const states = (Object.keys(STATE_WORDS) as TenantState[]).filter(
    (s) => s !== 'removed' || counts.byState[s],
  )
  return (
    <div className="fleet-charts" data-testid="fleet-counts">
      <Bars
        title="Tenants by state"
        bars={states.map((s) => ({
          key: s,
          label: STATE_WORDS[s],
          value: counts.byState[s] ?? 0,
          cls: `state-${s}`,
        }))}
        onPick={onState}
      />
      <Bars
        title="Last check"
        bars={(Object.keys(CHECK_WORDS) as Verdict[]).map((c) => ({
          key: c,
          label: CHECK_WORDS[c],
          value: counts.byCheck[c] ?? 0,
          cls: `check-${c}`,
        }))}
        onPick={onCheck}
      />
    </div>
  )
}

/** Tenants per week of their soonest Tenant Allow/Block List expiry. */
export function ExpiryTimeline({ expiry }: { expiry: Expiry }) {
  const max = Math.max(1, ...expiry.weeks.map((w) => w.count))
  const colW = 44
  const width = expiry.weeks.length * colW
  const total = expiry.weeks.reduce((n, w) => n + w.count, 0)
  return (
    <figure className="fleet-chart" data-testid="fleet-expiry">
      <figcaption>
        Tenant Allow/Block List expiry, by week: {total} in the next {expiry.weeks.length} weeks
        {expiry.expired ? `, ${expiry.expired} already expired` : ''}
        {expiry.later ? `, ${expiry.later} later` : ''}
      </figcaption>
      <svg
        viewBox={`0 0 ${width} 140`}
        width="100%"
        height="140"
        role="img"
        aria-label={`Expiries per week: ${expiry.weeks.map((w) => `week of ${w.start}: ${w.count}`).join(', ')}`}
      >
        {expiry.weeks.map((w, i) => {
          const h = (w.count / max) * 90
          return (
            <g key={w.start} transform={`translate(${i * colW} 0)`}>
              <rect
                x="6"
                y={105 - h}
                width={colW - 12}
                height={Math.max(h, 1)}
                className="fleet-bar expiry"
              />
              <text x={colW / 2} y={100 - h} textAnchor="middle" className="fleet-chart-value">
                {w.count}
              </text>
              <text x={colW / 2} y="122" textAnchor="middle" className="fleet-chart-label">
                {w.start.slice(5)}
              </text>
            </g>
          )
        })}
      </svg>
    </figure>
  )
}

import { useId } from 'react'
import type { Journey } from '../types'
import './journey.css'
import { SHORT_TITLES, STATUS_MARKS, STATUS_WORDS, stageText } from './words'

const BOX_W = 96
const BOX_H = 58
const GAP = 14
const PAD = 4

/**
 * One message's path through Defender's stages as an accessible picture: a row of stages in
 * Microsoft's order, each drawn by what it did (passed, acted, skipped, decided), the deciding
 * stage filled and marked ▶. The SVG has a title and a description; the visible list below it
 * says the same stage by stage, with the rule, policy or entry named.
 */
export function JourneyDiagram({
  journey,
  caption,
  when,
}: {
  journey: Journey
  caption: string
  when: 'before' | 'after' | 'headers'
}) {
  const id = useId()
  const width = journey.stages.length * (BOX_W + GAP) - GAP + PAD * 2
  const height = BOX_H + PAD * 2
  const decided = journey.stages.find((s) => s.status === 'decided')
  const desc = `${journey.summary} ${journey.stages
    .map((s) => `${s.title}: ${STATUS_WORDS[s.status]}`)
    .join('; ')}.`
  return (
    <figure
      className="journey journey-figure"
      data-testid="journey"
      data-when={when}
      data-recipient={journey.recipient ?? ''}
      data-decided={journey.decidedBy ?? ''}
      data-placement={journey.placement}
    >
      <figcaption>{caption}</figcaption>
      <svg
        className="journey-svg"
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
      >
        <title id={`${id}-t`}>{`${caption}: ${journey.landing}`}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        <line className="jl" x1={PAD} x2={width - PAD} y1={PAD + BOX_H / 2} y2={PAD + BOX_H / 2} />
        {journey.stages.map((s, i) => {
          const x = PAD + i * (BOX_W + GAP)
          const [a, b] = SHORT_TITLES[s.id]
          return (
            <g
              key={s.id}
              className={`jn jn-${s.status}`}
              data-stage={s.id}
              data-status={s.status}
              transform={`translate(${x} ${PAD})`}
            >
              <rect width={BOX_W} height={BOX_H} rx={8} />
              <text className="jmark" x={8} y={18} aria-hidden="true">
                {STATUS_MARKS[s.status]}
                {s.uncertain ? ' ?' : ''}
              </text>
              <text x={BOX_W / 2} y={b ? 32 : 38} textAnchor="middle">
                {a}
              </text>
              {b && (
                <text x={BOX_W / 2} y={47} textAnchor="middle">
                  {b}
                </text>
              )}
            </g>
          )
        })}
      </svg>
      <p className="journey-summary">
        <strong>{journey.landing}</strong>
        {decided ? (
          <>
            {' '}
            — decided at <strong>{decided.title}</strong>: {stageText(decided)}
          </>
        ) : (
          <> — {journey.summary}</>
        )}
      </p>
      <details>
        <summary>Stage by stage</summary>
        <ol className="journey-stages" data-testid="journey-stages">
          {journey.stages.map((s) => (
            <li key={s.id} className={s.status} data-stage={s.id}>
              <span aria-hidden="true">{STATUS_MARKS[s.status]} </span>
              {s.title}: <span className="status">{STATUS_WORDS[s.status]}</span> — {stageText(s)}
            </li>
          ))}
        </ol>
      </details>
    </figure>
  )
}

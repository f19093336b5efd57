import { saveText } from '../api'
import type { Journeys, Simulation } from '../types'
import { JourneyDiagram } from './JourneyDiagram'
import { LandingChart } from './LandingChart'
import './journey.css'
import { recipientWords } from './words'

type Row = Simulation['rows'][number]

/** Copies taking exactly the same path (another source, same recipient) are drawn once. */
function distinct(rows: readonly Row[]): { row: Row; alike: number }[] {
  const seen = new Map<string, { row: Row; alike: number }>()
  for (const row of rows) {
    const { before, after } = row.journey
    const key = JSON.stringify([before.recipient, before.stages, after?.stages ?? null])
    const g = seen.get(key)
    if (g) g.alike++
    else seen.set(key, { row, alike: 0 })
  }
  return [...seen.values()]
}

/**
 * The mail's path for each typical message of the vendor, today and after the plan, with the
 * before/after chart of where the messages land and the whole text to save.
 */
export function MailPaths({
  simulation,
  journeys,
}: {
  simulation: Simulation
  journeys: Journeys | null | undefined
}) {
  return (
    <section className="mail-paths" aria-label="The mail’s path through Defender">
      {journeys && <LandingChart groups={journeys.landing} />}
      <h4>The mail’s path through Defender</h4>
      <p className="small muted">
        Each box is a stage of Microsoft Defender, in Microsoft’s order. ▶ decided where the message
        lands, • did something without deciding, ✓ let it pass, – did not run.
      </p>
      {distinct(simulation.rows).map(({ row, alike }, i) => (
        <div key={`${row.label}:${row.recipient}:${i}`} className="journey-pair">
          <h4>
            {row.label} to {recipientWords(row.journey.before)}
            {alike > 0 && (
              <span className="small muted">
                {' '}
                (and {alike} more cop{alike === 1 ? 'y' : 'ies'} from other sources alike)
              </span>
            )}
          </h4>
          <JourneyDiagram journey={row.journey.before} caption="Today" when="before" />
          {row.journey.after && (
            <JourneyDiagram journey={row.journey.after} caption="After the plan" when="after" />
          )}
        </div>
      ))}
      {journeys && (
        <button
          type="button"
          onClick={() => saveText('passage-mail-path.txt', `${journeys.text.join('\n')}\n`)}
        >
          Save the mail’s path as text
        </button>
      )}
    </section>
  )
}

/**
 * What `passage vendor show` says about each mechanism (its risk, what it needs, or that passage
 * refuses it). The mechanism registry of core pulls in every mechanism and zod (about 230 ms at
 * start), so the build writes these few strings to dist/cli/mechanisms.json
 * (scripts/build-catalog.mjs) and the command reads that file; running from the sources, it asks
 * the registry.
 */
import { readFileSync } from 'node:fs'
import type { MechanismDef } from '../core/protections/definitions.js'
import type { MechanismId } from '../core/protections/ids.js'

/** The file the build writes beside this module (dist/cli/mechanisms.json). */
export const MECHANISM_NOTES_FILE = 'mechanisms.json'

/** What vendor show prints of one mechanism (its title, never its id: plain words). */
export type MechanismNote = Pick<MechanismDef, 'title' | 'risk' | 'needs' | 'refused'>

/** The notes of every mechanism, from the registry's definitions (run by the build). */
export function mechanismNotesOf(
  mechanisms: Readonly<Record<MechanismId, MechanismDef>>,
): Record<MechanismId, MechanismNote> {
  return Object.fromEntries(
    Object.entries(mechanisms).map(([id, m]) => [
      id,
      {
        title: m.title,
        risk: m.risk,
        needs: m.needs,
        ...(m.refused !== undefined ? { refused: m.refused } : {}),
      },
    ]),
  ) as Record<MechanismId, MechanismNote>
}

/** The notes of every mechanism: the build's file when there is one, else the registry's. */
export async function mechanismNotes(): Promise<Record<MechanismId, MechanismNote>> {
  try {
    return JSON.parse(
      readFileSync(new URL(`./${MECHANISM_NOTES_FILE}`, import.meta.url), 'utf8'),
    ) as Record<MechanismId, MechanismNote>
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  const { MECHANISMS } = await import('../core/mechanisms/index.js')
  return mechanismNotesOf(MECHANISMS)
}

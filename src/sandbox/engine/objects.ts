import { plainCopy } from './draft.js'
import { notFound } from './errors.js'

/** Anything Exchange can find by Identity: a name, and maybe an Identity or Guid. */
export interface Findable {
  Name?: string | null
  Identity?: string | null
  Guid?: string | null
}

/** True when an identity names the object (Name, Identity or Guid, case-insensitive). */
export function matches(o: Findable, identity: string): boolean {
  const want = identity.trim().toLowerCase()
  return [o.Name, o.Identity, o.Guid].some((v) => typeof v === 'string' && v.toLowerCase() === want)
}

/** The object an identity names, or Exchange's not-found error. */
export function findOne<T extends Findable>(list: readonly T[], identity: string): T {
  const hit = list.find((o) => matches(o, identity))
  if (!hit) throw notFound(identity)
  return hit
}

/** Get-* semantics: all objects, or the one the Identity names (reference §3). */
export function selectByIdentity<T extends Findable>(
  list: readonly T[],
  identity: string | undefined | null,
): T[] {
  if (identity === undefined || identity === null) return [...list]
  return [findOne(list, identity)]
}

/** A plain copy of a model object as a Get-* cmdlet returns it, with Identity first. */
export function present(
  o: object,
  identity: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { Identity: identity, ...plainCopy(o), ...extra }
}

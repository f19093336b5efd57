import { PassageError, parseWith } from '../core/errors/index.js'
import { SNAPSHOT_VERSION, TenantSnapshot } from '../core/model/snapshot.js'
import { readJson } from './files.js'

/** Loads and validates a tenant snapshot file (or `-` for standard input). */
export function loadSnapshot(path: string): TenantSnapshot {
  const data = readJson(path, 'PASSAGE_E_SNAPSHOT_INVALID')
  const version = (data as { version?: unknown } | null)?.version
  if (typeof version === 'number' && version !== SNAPSHOT_VERSION)
    throw new PassageError(
      'PASSAGE_E_SNAPSHOT_VERSION',
      `${path} is snapshot version ${version}; this passage reads version ${SNAPSHOT_VERSION}.`,
    )
  return parseWith(TenantSnapshot, data, 'PASSAGE_E_SNAPSHOT_INVALID', `Snapshot ${path}`)
}

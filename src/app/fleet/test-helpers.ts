/**
 * A fleet job in a process of its own, for the test that kills a worker mid-job (job-kill.test.ts):
 * `node --import tsx src/app/fleet/test-helpers.ts <job.json>` runs one job against the store file
 * and the sandbox the JSON names, as a worker process would. Not part of the build.
 */
import { readFileSync } from 'node:fs'
import { openStore } from '../../store/index.js'
import type { FleetAction } from '../../store/fleet.js'
import { runFleetJob } from './job.js'
import { TenantSessions } from './tenant-sessions.js'
import { QUICK_RETRY } from './test-fixtures.js'

/** What the child is told (a file only the test's user can read: the key is a test key). */
export interface ChildJob {
  storePath: string
  caPem: string
  keyPem: string
  action: FleetAction
  fleetPlanId: string
  tenantId: string
}

/** Runs the job the file describes; prints the item's state. */
export async function runChildJob(path: string): Promise<void> {
  const job = JSON.parse(readFileSync(path, 'utf8')) as ChildJob
  const store = await openStore(job.storePath)
  const sessions = new TenantSessions({ keyPem: job.keyPem, caPem: job.caPem, retry: QUICK_RETRY })
  try {
    const item = await runFleetJob(store, job.action, job, {
      session: (app, t) => sessions.get(app, t.tenantId, t.name),
    })
    process.stdout.write(`${item.state}\n`)
  } finally {
    await sessions.closeAll()
    await store.close()
  }
}

if (process.argv[1]?.endsWith('test-helpers.ts') && process.argv[2])
  await runChildJob(process.argv[2])

/**
 * The environment of every CLI child a test starts: the test's own, minus whatever could reach
 * the real home folder's sign-in state. A device-code sign-in keeps its token cache's key in
 * passage's key agent (src/app/token-keeping.ts); without PASSAGE_KEY_AGENT_SOCKET and
 * PASSAGE_TOKEN_CACHE_FILE a test run left an agent listening on ~/.passage/agent/agent.sock and
 * a cache in ~/.passage. Here each test file gets a temporary folder of its own for both, no
 * D-Bus address (so no child writes a key into the machine's real secret store), and the agent a
 * child started is ended after the file's tests (a top-level `afterAll`, registered in the suite
 * of every test file that imports this module: vitest isolates modules per file).
 *
 * That folder is also the child's HOME: a child without --db (PASSAGE_DB empty) opens the default
 * store, ~/.passage/passage.db, and its plan-signing key. Test files run in parallel
 * (vitest.config.ts), so a shared home would let one file's runs, tenants and signed plans show
 * up in another's `serve` or `runs`, and it would leave them in the real home folder afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { keyAgentStore } from '../../src/exchange/key-agent.js'

let folder: string | null = null

/** This test file's folder for the agent's socket and the token cache (0700, made once). */
function ownFolder(): string {
  return (folder ??= mkdtempSync(join(tmpdir(), 'passage-cli-')))
}

/** The agent socket a CLI child of this test file uses. */
export function cliAgentSocket(): string {
  return join(ownFolder(), 'agent', 'agent.sock')
}

/** Variables a child must not inherit: the test's own sign-in state and secret store. */
const INHERITED = /^(PASSAGE_TOKEN_CACHE|PASSAGE_KEY_AGENT)|^DBUS_SESSION_BUS_ADDRESS$/

/**
 * The environment of a CLI child: no colours, a temporary home (so a default store of its own),
 * agent socket and token cache.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env }
  for (const k of Object.keys(base)) if (INHERITED.test(k)) delete base[k]
  return {
    ...base,
    NO_COLOR: '1',
    HOME: ownFolder(),
    PASSAGE_KEY_AGENT_SOCKET: cliAgentSocket(),
    PASSAGE_TOKEN_CACHE_FILE: join(ownFolder(), 'tokens.cache'),
    ...extra,
  }
}

/**
 * Ends the key agent a child of this file started (it forgets its key and closes on `delete`;
 * removing its folder would end it too, within five seconds) and removes the folder.
 */
export async function endCliAgent(): Promise<void> {
  if (!folder) return
  await keyAgentStore({ socket: cliAgentSocket() })
    .delete()
    .catch(() => false)
  rmSync(folder, { recursive: true, force: true })
  folder = null
}

afterAll(endCliAgent)

/**
 * The key agent's process (see key-agent.ts): `node key-agent-main.js <socket> <idle seconds>`.
 * Started detached by a passage command on a machine without a secret store; it holds one key in
 * memory and ends on its own.
 */
import { rmSync } from 'node:fs'
import { DEFAULT_AGENT_IDLE_SECONDS, runKeyAgent } from './key-agent.js'

const [socket, idle] = process.argv.slice(2)
if (!socket) process.exit(2)
const seconds = Number(idle)
// A stale socket of an agent that ended without closing is removed first.
rmSync(socket, { force: true })
process.title = 'passage key agent'
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
  process.on(sig, () => {
    rmSync(socket, { force: true })
    process.exit(0)
  })
await runKeyAgent(
  socket,
  Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_AGENT_IDLE_SECONDS,
)
rmSync(socket, { force: true })
process.exit(0)

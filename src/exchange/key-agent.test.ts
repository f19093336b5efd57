import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { agentSocketPath, keyAgentStore, runKeyAgent } from './key-agent.js'

describe('the key agent', () => {
  let dir: string
  let socket: string
  const running: Promise<void>[] = []

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passage-agent-'))
    socket = join(dir, 'agent', 'agent.sock')
  })
  afterEach(async () => {
    await keyAgentStore({ socket }).delete()
    await Promise.all(running.splice(0))
    rmSync(dir, { recursive: true, force: true })
  })

  /** Starts the agent in this process instead of a detached one. */
  const inProcess = (idle = 60) => ({
    socket,
    idleSeconds: idle,
    start: (s: string, i: number) => void running.push(runKeyAgent(s, i)),
  })

  it('holds a key in memory: none before, the same after, gone after delete', async () => {
    const store = keyAgentStore(inProcess())
    expect(await store.get()).toBeNull()
    await store.set('a2V5')
    expect(await store.get()).toBe('a2V5')
    expect(statSync(socket).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'agent')).mode & 0o777).toBe(0o700)
    expect(await store.delete()).toBe(true)
    await Promise.all(running)
    expect(await store.get()).toBeNull()
  })

  it('ends on its own after its idle time', async () => {
    const store = keyAgentStore(inProcess(0.2))
    await store.set('a2V5')
    await Promise.all(running)
    expect(await store.get()).toBeNull()
  })

  it('never hands a key to a socket whose folder others may open', async () => {
    const store = keyAgentStore(inProcess())
    await store.set('a2V5')
    chmodSync(join(dir, 'agent'), 0o755)
    expect(await store.get()).toBeNull()
    await expect(store.set('b3RoZXI=')).rejects.toThrow(/not this user's alone/)
    chmodSync(join(dir, 'agent'), 0o700)
    expect(await store.get()).toBe('a2V5')
  })

  it('listens in XDG_RUNTIME_DIR when there is one, else under ~/.passage', () => {
    expect(agentSocketPath({ XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/a')).toBe(
      '/run/user/1000/passage/agent.sock',
    )
    expect(agentSocketPath({}, '/home/a')).toBe('/home/a/.passage/agent/agent.sock')
    expect(agentSocketPath({ PASSAGE_KEY_AGENT_SOCKET: '/tmp/x.sock' }, '/home/a')).toBe(
      '/tmp/x.sock',
    )
  })
})

/**
 * passage's key agent, for a machine with no secret store (a server over SSH, WSL, a container):
 * a small background process of the user's own that holds the token cache's key in memory and
 * hands it to passage's commands over a Unix socket in a folder only the user can open (0700),
 * the way `git credential-cache` and ssh-agent do. The key is never written to disk; the agent
 * ends after PASSAGE_KEY_AGENT_IDLE seconds unused (default 8 hours: a working day), when its
 * socket is removed, or at `passage connect --sign-out`; then the encrypted cache can no longer be
 * opened and the next command signs in again, saying why. Windows always has a store (the
 * Credential Manager), so the agent is for Unix only.
 *
 * Protocol: one JSON line per request ({"op":"get"|"set"|"delete","value"?}) and one JSON line
 * per answer ({"ok":true,"value"?}). The agent serves the socket's owner only (the folder's mode).
 */
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SecretStore } from './secret-store.js'

type Env = Record<string, string | undefined>

/** Default idle lifetime of the agent: 8 hours, a working day. */
export const DEFAULT_AGENT_IDLE_SECONDS = 8 * 3600

/**
 * The agent's socket: PASSAGE_KEY_AGENT_SOCKET, else $XDG_RUNTIME_DIR/passage/agent.sock (a
 * per-user folder the system empties at logout), else ~/.passage/agent/agent.sock.
 */
export function agentSocketPath(env: Env = process.env, home: string = homedir()): string {
  const given = env.PASSAGE_KEY_AGENT_SOCKET?.trim()
  if (given) return given
  const runtime = env.XDG_RUNTIME_DIR?.trim()
  if (runtime) return join(runtime, 'passage', 'agent.sock')
  return join(home, '.passage', 'agent', 'agent.sock')
}

/** Options of keyAgentStore. */
export interface KeyAgentOptions {
  socket: string
  /** Seconds the agent stays without a request (default 8 hours). */
  idleSeconds?: number
  /** Starts the agent (tests replace it); default: a detached node process of agent-main. */
  start?: (socket: string, idleSeconds: number) => void
}

interface Answer {
  ok: boolean
  value?: string | null
  error?: string
}

/** One request to the agent; null when no agent answers on the socket. */
function ask(
  socket: string,
  req: { op: string; value?: string },
  timeoutMs = 2000,
): Promise<Answer | null> {
  return new Promise((resolve) => {
    if (!existsSync(socket)) return resolve(null)
    // Never talk to a socket someone else made: it could be waiting for the key.
    if (!ownSocket(socket)) return resolve({ ok: false, error: 'foreign socket' })
    const c = connect(socket)
    let buf = ''
    const done = (a: Answer | null) => {
      clearTimeout(timer)
      c.destroy()
      resolve(a)
    }
    const timer = setTimeout(() => done(null), timeoutMs)
    c.on('error', () => done(null))
    c.on('data', (d: Buffer) => {
      buf += d.toString('utf8')
      const nl = buf.indexOf('\n')
      if (nl < 0) return
      try {
        done(JSON.parse(buf.slice(0, nl)) as Answer)
      } catch {
        done(null)
      }
    })
    c.on('connect', () => c.write(`${JSON.stringify(req)}\n`))
  })
}

/** True when the socket and its folder are this user's, and the folder is theirs alone. */
function ownSocket(socket: string): boolean {
  const uid = process.getuid?.()
  if (uid === undefined) return true
  try {
    const folder = statSync(dirname(socket))
    return statSync(socket).uid === uid && folder.uid === uid && (folder.mode & 0o077) === 0
  } catch {
    return false
  }
}

/** Makes the socket's folder, only the user's. */
export function prepareSocketFolder(socket: string): void {
  const folder = dirname(socket)
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const st = statSync(folder)
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(folder, 0o700)
}

/** Starts the agent as a detached process of node that outlives this command. */
function startDetached(socket: string, idleSeconds: number): void {
  const here = fileURLToPath(import.meta.url)
  // Built: agent-main.js beside this file; in tests (TypeScript sources): through tsx.
  const main = here.endsWith('.ts')
    ? join(dirname(here), 'key-agent-main.ts')
    : join(dirname(here), 'key-agent-main.js')
  const args = main.endsWith('.ts') ? ['--import', 'tsx', main] : [main]
  const child = spawn(process.execPath, [...args, socket, String(idleSeconds)], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '' },
  })
  child.unref()
}

/** Waits until the agent answers (it binds its socket within a few hundred milliseconds). */
async function waitForAgent(socket: string, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if ((await ask(socket, { op: 'ping' }, 500))?.ok) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

/**
 * The agent as a SecretStore: `get` asks a running agent (null when none runs), `set` starts one
 * when needed and gives it the key, `delete` tells it to forget the key and end.
 */
export function keyAgentStore(opts: KeyAgentOptions): SecretStore {
  const idle = opts.idleSeconds ?? DEFAULT_AGENT_IDLE_SECONDS
  const start = opts.start ?? startDetached
  return {
    name: "passage's key agent (in memory, for this login)",
    async get() {
      const a = await ask(opts.socket, { op: 'get' })
      return a?.ok && typeof a.value === 'string' ? a.value : null
    },
    async set(value: string) {
      let a = await ask(opts.socket, { op: 'set', value })
      if (a?.error === 'foreign socket')
        throw new Error(`the key agent's socket ${opts.socket} is not this user's alone`)
      if (!a?.ok) {
        prepareSocketFolder(opts.socket)
        start(opts.socket, idle)
        if (!(await waitForAgent(opts.socket))) throw new Error('the key agent did not start')
        a = await ask(opts.socket, { op: 'set', value })
      }
      if (!a?.ok) throw new Error(a?.error ?? 'the key agent refused the key')
    },
    async delete() {
      const a = await ask(opts.socket, { op: 'delete' })
      return a?.ok === true && a.value === 'deleted'
    },
  }
}

/**
 * Runs the agent in this process: listens on `socket` (0600, in a 0700 folder), keeps one value
 * in memory, and closes after `idleSeconds` without a request, when the socket file disappears,
 * or after `delete`. Resolves when it has closed.
 */
export function runKeyAgent(socket: string, idleSeconds: number): Promise<void> {
  prepareSocketFolder(socket)
  let value: string | null = null
  let idleTimer: NodeJS.Timeout
  let server: Server
  const closed = new Promise<void>((resolve) => {
    const stop = () => {
      clearTimeout(idleTimer)
      clearInterval(watch)
      value = null
      server.close(() => resolve())
    }
    const touch = () => {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(stop, idleSeconds * 1000)
      idleTimer.unref()
    }
    // A removed socket (a test's temporary folder, a logout emptying XDG_RUNTIME_DIR) ends it.
    // So does another agent taking the socket over (its file is then another inode).
    let inode = -1
    const watch = setInterval(() => {
      try {
        if (statSync(socket).ino !== inode) stop()
      } catch {
        stop()
      }
    }, 5000)
    server = createServer((c) => {
      let buf = ''
      c.on('error', () => c.destroy())
      c.on('data', (d: Buffer) => {
        buf += d.toString('utf8')
        if (buf.length > 4096) return c.destroy()
        const nl = buf.indexOf('\n')
        if (nl < 0) return
        let req: { op?: unknown; value?: unknown }
        try {
          req = JSON.parse(buf.slice(0, nl)) as typeof req
        } catch {
          return c.end(`${JSON.stringify({ ok: false, error: 'bad request' })}\n`)
        }
        touch()
        if (req.op === 'ping') c.end(`${JSON.stringify({ ok: true })}\n`)
        else if (req.op === 'get') c.end(`${JSON.stringify({ ok: true, value })}\n`)
        else if (req.op === 'set' && typeof req.value === 'string' && req.value.length <= 256) {
          value = req.value
          c.end(`${JSON.stringify({ ok: true })}\n`)
        } else if (req.op === 'delete') {
          const had = value !== null
          c.end(`${JSON.stringify({ ok: true, value: had ? 'deleted' : 'none' })}\n`, stop)
        } else c.end(`${JSON.stringify({ ok: false, error: 'bad request' })}\n`)
      })
    })
    server.on('error', () => resolve())
    server.listen(socket, () => {
      chmodSync(socket, 0o600)
      inode = statSync(socket).ino
      touch()
    })
    watch.unref()
  })
  return closed
}

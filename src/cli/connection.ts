/**
 * What the tenant commands share: the store (--db / PASSAGE_DB), signing in with a saved
 * profile (the device code shown clearly on standard error and copied to the clipboard where a
 * clipboard tool exists), progress lines, and confirmation.
 */
import { spawnSync } from 'node:child_process'
import { confirm, isCancel } from '@clack/prompts'
import type { Command } from 'commander'
import { loadProfile, openSession, type ConnectionProfile, type Session } from '../app/session.js'
import { PassageError } from '../core/errors/index.js'
import type { DeviceCodePrompt } from '../exchange/index.js'
import { openStore, type Store } from '../store/index.js'
import { paint } from './output.js'

/** Writes a progress line to standard error (standard output stays for results and --json). */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** The store of the --db global option (or PASSAGE_DB, or ~/.passage/passage.db). */
export function storeFor(cmd: Command): Promise<Store> {
  const db = cmd.optsWithGlobals<{ db?: string }>().db
  return openStore(db)
}

/** Runs `fn` with the store open, closing it afterwards. */
export async function withStore<T>(cmd: Command, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await storeFor(cmd)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** Copies text to the clipboard with the first tool present; silently does nothing otherwise. */
export function copyToClipboard(text: string): boolean {
  const tools: [string, string[]][] =
    process.platform === 'darwin'
      ? [['pbcopy', []]]
      : process.platform === 'win32'
        ? [['clip', []]]
        : [
            ['wl-copy', []],
            ['xclip', ['-selection', 'clipboard']],
            ['xsel', ['--clipboard', '--input']],
          ]
  for (const [cmd, args] of tools) {
    const r = spawnSync(cmd, args, {
      input: text,
      timeout: 1500,
      stdio: ['pipe', 'ignore', 'ignore'],
    })
    if (!r.error && r.status === 0) return true
  }
  return false
}

/** Shows a device code: the code and the page, plainly, on standard error. */
export function showDeviceCode(p: DeviceCodePrompt): void {
  const copied = copyToClipboard(p.userCode)
  progress(
    [
      '',
      paint('bold', 'Sign in to continue', process.stderr),
      `  open   ${paint('cyan', p.verificationUri, process.stderr)}`,
      `  code   ${paint('bold', p.userCode, process.stderr)}${copied ? '  (copied to the clipboard)' : ''}`,
      `  The code expires in ${Math.round(p.expiresIn / 60)} minutes.`,
      '',
    ].join('\n'),
  )
}

/**
 * Refuses, before any sign-in, a change by a connection saved as read only (connect found that
 * the admin may change nothing): exit 3, as Microsoft 365 would refuse every change.
 */
export function refuseReadOnly(profile: ConnectionProfile, what: string): void {
  if (profile.canChange !== 'none') return
  throw new PassageError(
    'PASSAGE_E_EXO_ROLE_MISSING',
    `${profile.lastActor ?? 'The connected admin'} may not change ${profile.tenantName ?? profile.tenant} (connected read only), so ${what} is refused before signing in.`,
    {
      details: { actor: profile.lastActor },
      hint: 'Run `passage connect` as an Exchange Administrator or Security Administrator (again, if the role was granted since; role changes can take up to an hour to reach Exchange).',
    },
  )
}

/** True when confirmation can be asked on a terminal. */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY)
}

/** Refuses, before signing in, a command that would need a confirmation nobody can give. */
export function requireYesOrTerminal(yes: boolean | undefined, what: string): void {
  if (yes || interactive()) return
  throw new PassageError(
    'PASSAGE_E_CONFIRM',
    `${what} needs a confirmation, and standard input is not a terminal: nothing was signed in to or changed.`,
  )
}

/** Signs in with the saved profile of a tenant (or the last connected one). */
export async function sessionFor(store: Store, tenant?: string): Promise<Session> {
  const profile = await loadProfile(store, tenant)
  progress(
    `Signing in to ${profile.tenantName ?? profile.tenant} (${profile.auth.kind === 'device' ? 'device code' : 'app certificate'})...`,
  )
  const session = await openSession(profile, {
    onCode: showDeviceCode,
    // Asked only when the command reads Graph (licences, roles): Graph has its own public client.
    onGraphCode: (p) => {
      progress('Microsoft Graph (licences and roles) needs its own sign-in:')
      showDeviceCode(p)
    },
    onStale: (why) => progress(`Signing in again: ${why}.`),
    env: process.env,
  })
  if (session.fromCache) progress(`Signed in as ${session.actor} from the token cache.`)
  return session
}

/**
 * Asks for confirmation on a terminal; without one, --yes is required. Returns false when the
 * user declines.
 */
export async function confirmOrYes(message: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true
  if (!interactive())
    throw new PassageError('PASSAGE_E_CONFIRM', `${message} Standard input is not a terminal.`)
  // Every question asks before changing a tenant or releasing mail: Enter alone means No.
  const answer = await confirm({ message, output: process.stderr, initialValue: false })
  return !isCancel(answer) && answer === true
}

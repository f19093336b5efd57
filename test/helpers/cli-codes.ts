/**
 * Runs the built CLI as an admin would meet it on a fresh shell: only the environment given of
 * passage's own variables and D-Bus's (none of the test process's), and each device code it
 * prints collected, then approved on the sandbox's sign-in pages or answered by `onCode`.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { approveDeviceCode, type Sandbox } from '../exchange/sandbox-helpers.js'

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js')

/** A finished CLI run, with the device codes it printed. */
export interface CodedRun {
  code: number | null
  stdout: string
  stderr: string
  /** The device codes the CLI printed, in order. */
  codes: string[]
}

/** Runs the CLI; each new device code is handed to `onCode` (which may approve it or end the run). */
export function passageWithCodes(
  env: Record<string, string>,
  args: string[],
  onCode?: (code: string, kill: () => void) => unknown,
): Promise<CodedRun> {
  return new Promise((resolve) => {
    const base = { ...process.env }
    for (const k of Object.keys(base))
      if (k.startsWith('PASSAGE_') || k === 'DBUS_SESSION_BUS_ADDRESS') delete base[k]
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...base, NO_COLOR: '1', ...env },
    })
    let stdout = ''
    let stderr = ''
    const codes: string[] = []
    const answers: Promise<void>[] = []
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      for (const m of stderr.matchAll(/^\s+code\s+(\S+)/gm))
        if (!codes.includes(m[1]!)) {
          codes.push(m[1]!)
          answers.push(Promise.resolve(onCode?.(m[1]!, () => child.kill())).then(() => undefined))
        }
    })
    child.on('close', (code) => {
      void Promise.all(answers).then(() => resolve({ code, stdout, stderr, codes }))
    })
  })
}

/** Runs the CLI, approving every device code as `upn`; with no `upn`, a code ends the run. */
export function passageApproving(
  s: Pick<Sandbox, 'sb'>,
  env: Record<string, string>,
  args: string[],
  upn?: string,
): Promise<CodedRun> {
  return passageWithCodes(env, args, (code, kill) =>
    upn ? approveDeviceCode(s, code, upn) : kill(),
  )
}

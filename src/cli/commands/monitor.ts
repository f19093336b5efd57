/**
 * `passage monitor`: one monitoring pass over a tenant or the fleet (issue 16): is the vendor's
 * setup still in effect, drifted, about to lapse or broken, with an alert on a change of state
 * only. Only names, options and help here; the implementation loads when it runs.
 */
import type { Command } from 'commander'
import { collect } from '../options.js'

/** The options of `passage monitor` (and of a monitor schedule). */
export interface MonitorOptions {
  tenant?: string
  fleet?: boolean
  tag?: string
  key?: string
  withinDays: string
  renew?: boolean
  webhook?: string
  webhookSecretEnv?: string
  webhookSecretFile?: string
  smtp?: string
  smtpSecure?: boolean
  mailFrom?: string
  mailTo: string[]
  smtpUser?: string
  smtpPasswordEnv?: string
  smtpPasswordFile?: string
  json?: boolean
}

/** Adds what a monitor pass watches: one tenant, or the fleet. */
export function targetOptions(c: Command): Command {
  return c
    .option('--tenant <name|guid>', 'a tenant connected before with `passage connect`')
    .option('--fleet', 'every enrolled tenant of the fleet (app-only access)')
    .option('--tag <tag>', 'with --fleet: only the tenants carrying this tag')
}

/** Adds the monitor's options (what to watch and where alerts go) to a command. */
export function monitorOptions(c: Command): Command {
  return alertOptions(
    targetOptions(c).option(
      '--key <file>',
      "with --fleet: the app certificate's private key (else PASSAGE_FLEET_KEY_FILE or PASSAGE_FLEET_KEY)",
    ),
  )
}

/** Adds how soon an entry counts as expiring, where alerts go, and --json. */
export function alertOptions(c: Command): Command {
  return c
    .option(
      '--within-days <n>',
      'call Tenant Allow/Block List entries that lapse within this many days expiring',
      '7',
    )
    .option(
      '--renew',
      'renew the allows passage created that lapse within that window (re-created as they are, journaled as a renewal run)',
    )
    .option(
      '--webhook <url>',
      'POST each alert as JSON to this URL (https; http to this machine only), signed with HMAC-SHA256',
    )
    .option(
      '--webhook-secret-env <var>',
      "the webhook's signing secret is in this environment variable",
    )
    .option('--webhook-secret-file <file>', "the webhook's signing secret is in this file")
    .option(
      '--smtp <host[:port]>',
      'mail each alert through this SMTP server (port 587 unless given)',
    )
    .option(
      '--smtp-secure',
      'TLS from the start (port 465); otherwise STARTTLS, required unless the server is this machine',
    )
    .option('--mail-from <address>', 'the alerts’ sender address')
    .option('--mail-to <address>', 'a recipient of the alerts (repeat for more)', collect, [])
    .option('--smtp-user <user>', 'the SMTP login, when the server wants one')
    .option(
      '--smtp-password-env <var>',
      "the SMTP login's password is in this environment variable",
    )
    .option('--smtp-password-file <file>', "the SMTP login's password is in this file")
    .option('--json', 'print the pass as JSON')
}

/** `passage monitor ...`. */
export function registerMonitorCommand(program: Command): void {
  monitorOptions(
    program
      .command('monitor')
      .description(
        'check whether each vendor setup passage applied is still in effect (green, drifted, expiring, broken) and alert on changes of state',
      ),
  )
    .addHelpText(
      'after',
      `
A pass reads each tenant back, compares it with what passage last applied, and classifies it:
green; drifted (who changed what, a recognised co-manager named); expiring (allow entries passage
created that lapse soon); broken (consent revoked, role removed, licence or API access gone). An
alert goes out only when the state changes (the same drift alerts once; back to green alerts once).
With --renew, allows passage created that lapse soon are re-created first (as \`passage renew\`
does); one it may not renew stays expiring and the alert says why.
Secrets are never taken on the command line nor kept: name an environment variable or a file.
Exit codes: 0 every tenant green (or nothing applied), 3 any other state or an alert not delivered,
2 invalid input.`,
    )
    .action(async (opts: MonitorOptions, cmd: Command) => {
      const { run } = await import('./monitor.run.js')
      await run(opts, cmd)
    })
}

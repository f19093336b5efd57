/** `passage connect`: the implementation, loaded when the command runs (see ./connect.ts). */
import type { Command } from 'commander'
import type { Access } from '../../app/access.js'
import {
  connect,
  deleteTokenCache,
  newProfile,
  tokenKeepingLine,
  type AuthProfile,
} from '../../app/session.js'
import { PassageError } from '../../core/errors/index.js'
import { licenceName } from '../../core/model/licence.js'
import { showDeviceCode, progress, withStore } from '../connection.js'
import { printJson } from '../output.js'
import type { ConnectOptions } from './connect.js'

/**
 * Signs in to a tenant, proves the admin API answers and what the admin may change, and saves
 * how to sign in (never a token or a key). Every input is checked before any sign-in.
 */
export async function run(opts: ConnectOptions, cmd: Command): Promise<void> {
  if (opts.signOut) {
    const { file, deleted, keyDeleted } = await deleteTokenCache(process.env)
    if (opts.json) printJson({ ok: true, signedOut: true, file, deleted, keyDeleted })
    else
      console.log(
        deleted || keyDeleted
          ? `Signed out: ${deleted ? `deleted ${file}` : `no token cache at ${file}`}${keyDeleted ? ', and forgot its key' : ''}.`
          : `No token cache at ${file}.`,
      )
    return
  }
  if (opts.tenant === undefined || opts.tenant.trim() === '')
    throw new PassageError('PASSAGE_E_INPUT', 'Say which tenant to connect to: give --tenant.', {
      hint: 'For example --tenant contoso.onmicrosoft.com (its *.onmicrosoft.com name, a verified domain, or its GUID from the Entra admin center > Overview).',
    })
  if (opts.sandbox && !opts.ca)
    throw new PassageError('PASSAGE_E_INPUT', 'A sandbox needs its CA: give --ca <file>.', {
      hint: '`passage sandbox` prints the path of its CA certificate.',
    })
  if (opts.sandbox && !/^https:\/\/[^\s/]+/i.test(opts.sandbox))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `'${opts.sandbox.slice(0, 80)}' is not the sandbox's base URL.`,
      { hint: '`passage sandbox` prints it, for example https://127.0.0.1:8443.' },
    )
  const appOnly = opts.appId || opts.certificate || opts.key
  if (appOnly && !(opts.appId && opts.certificate && opts.key))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'App-only sign-in needs --app-id, --certificate and --key together.',
    )
  const auth: AuthProfile = appOnly
    ? {
        kind: 'certificate',
        clientId: opts.appId!,
        certificateFile: opts.certificate!,
        keyFile: opts.key!,
      }
    : {
        kind: 'device',
        ...(opts.clientId ? { clientId: opts.clientId } : {}),
        ...(opts.graphClientId ? { graphClientId: opts.graphClientId } : {}),
      }
  const profile = newProfile({
    tenant: opts.tenant,
    ...(opts.sandbox ? { sandboxUrl: opts.sandbox } : {}),
    ...(opts.ca ? { caFile: opts.ca } : {}),
    auth,
    tokenCache: opts.tokenCache === true,
    memoryOnly: opts.tokenCache === false,
  })
  await withStore(cmd, async (store) => {
    progress(`Connecting to ${opts.sandbox ?? 'Microsoft 365'}...`)
    const session = await connect(store, profile, {
      onCode: showDeviceCode,
      // Shown only for a Graph client named with --graph-client-id: Microsoft's default apps sign
      // in once, to Exchange (issue 14; ms-rule: client.graph-client).
      onGraphCode: (p) => {
        progress('Microsoft Graph (licences and roles) needs its own sign-in:')
        showDeviceCode(p)
      },
      onStale: (why) => progress(`Signing in again: ${why}.`),
      env: process.env,
      readOnly: opts.readOnly === true,
    })
    try {
      const graphRefusals: string[] = []
      const graphOr = <T>(p: Promise<T>) =>
        p.catch((e: unknown) => {
          const msg = e instanceof Error ? e.message : String(e)
          if (!graphRefusals.includes(msg)) graphRefusals.push(msg)
          return null
        })
      // Graph only when it is signed in for this session; else the roles the Exchange token names
      // and, at discover, the licence from which Defender cmdlets answer.
      const [roles, licence] = session.graphSignedIn
        ? await Promise.all([graphOr(session.graph.roles()), graphOr(session.graph.licence())])
        : [await session.graph.tokenRoles().catch(() => null), null]
      const k = session.tokenKeeping
      const out = {
        ok: true,
        tenant: { id: session.tenantId, name: session.profile.tenantName },
        actor: session.actor,
        roles: roles?.roles ?? null,
        licence: licence?.licence ?? null,
        canChange: session.access.canChange,
        cannotChange: session.access.cannot,
        graphClientId: session.graphSignedIn ? session.signedIn.graphClientId : null,
        graphSignedIn: session.graphSignedIn,
        graphRefused: graphRefusals,
        store: store.location,
        tokenCache: session.tokenCache,
        tokenKeeping: k.kind === 'memory' ? { kind: k.kind, why: k.why } : k,
      }
      if (opts.json) printJson(out)
      else {
        console.log(
          `Connected to ${out.tenant.name} (${out.tenant.id}) as ${out.actor}${session.access.canChange === 'none' ? ', read only' : ''}.`,
        )
        if (out.roles) console.log(`Roles: ${out.roles.join(', ') || 'none'}`)
        console.log(accessLine(session.access))
        if (out.licence) console.log(`Licence: ${licenceName(out.licence)}`)
        else if (!session.graphSignedIn)
          console.log(
            "Licence: read by `passage discover` from which Defender cmdlets answer (one sign-in: Microsoft Graph is not asked with Microsoft's default apps).",
          )
        else console.log(`Licence: unknown: Graph refused (${graphRefusals.join('; ')})`)
        console.log(`Saved in ${store.location} (no tokens or keys are stored there).`)
        // Said here, once, not on every command.
        if (auth.kind === 'device') console.log(tokenKeepingLine(k))
      }
    } finally {
      session.close()
    }
  })
}

/** What the admin may change, in one line. */
function accessLine(a: Access): string {
  if (a.canChange === 'all')
    return 'Access: the Exchange Online admin API answers, and this admin may make every change passage makes.'
  if (a.canChange === 'none')
    return 'Access: read only: this admin may discover, plan and check, but apply and rollback will be refused.'
  return `Access: this admin may not change ${a.cannot.join(', ')}; plans that touch them will be refused before any change.`
}

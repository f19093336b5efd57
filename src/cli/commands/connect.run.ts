/** `passage connect`: the implementation, loaded when the command runs (see ./connect.ts). */
import type { Command } from 'commander'
import { connect, deleteTokenCache, newProfile, type AuthProfile } from '../../app/session.js'
import { PassageError } from '../../core/errors/index.js'
import { licenceName } from '../../core/model/licence.js'
import { showDeviceCode, progress, withStore } from '../connection.js'
import { printJson } from '../output.js'
import type { ConnectOptions } from './connect.js'

/** Signs in to a tenant and saves how (tokens only in the opt-in cache). */
export async function run(opts: ConnectOptions, cmd: Command): Promise<void> {
  if (opts.signOut) {
    const { file, deleted } = deleteTokenCache(process.env)
    if (opts.json) printJson({ ok: true, signedOut: true, file, deleted })
    else console.log(deleted ? `Signed out: deleted ${file}.` : `No token cache at ${file}.`)
    return
  }
  if (opts.sandbox && !opts.ca)
    throw new PassageError('PASSAGE_E_INPUT', 'A sandbox needs its CA: give --ca <file>.', {
      hint: '`passage sandbox` prints the path of its CA certificate.',
    })
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
    ...(opts.tenant ? { tenant: opts.tenant } : {}),
    ...(opts.sandbox ? { sandboxUrl: opts.sandbox } : {}),
    ...(opts.ca ? { caFile: opts.ca } : {}),
    auth,
    tokenCache: opts.tokenCache === true,
  })
  await withStore(cmd, async (store) => {
    progress(`Connecting to ${opts.sandbox ?? 'Microsoft 365'}...`)
    const session = await connect(store, profile, {
      onCode: showDeviceCode,
      // Graph has its own client: its code is shown too (ms-rule: client.graph-client).
      onGraphCode: (p) => {
        progress('Microsoft Graph (licences and roles) needs its own sign-in:')
        showDeviceCode(p)
      },
      env: process.env,
    })
    try {
      const graphRefusals: string[] = []
      const graphOr = <T>(p: Promise<T>) =>
        p.catch((e: unknown) => {
          const msg = e instanceof Error ? e.message : String(e)
          if (!graphRefusals.includes(msg)) graphRefusals.push(msg)
          return null
        })
      const [roles, licence] = await Promise.all([
        graphOr(session.graph.roles()),
        graphOr(session.graph.licence()),
      ])
      const out = {
        ok: true,
        tenant: { id: session.tenantId, name: session.profile.tenantName },
        actor: session.actor,
        roles: roles?.roles ?? null,
        licence: licence?.licence ?? null,
        graphClientId: session.signedIn.graphClientId,
        graphRefused: graphRefusals,
        store: store.location,
        tokenCache: session.tokenCache,
      }
      if (opts.json) printJson(out)
      else {
        console.log(`Connected to ${out.tenant.name} (${out.tenant.id}) as ${out.actor}.`)
        if (out.roles) console.log(`Roles: ${out.roles.join(', ') || 'none'}`)
        if (out.licence) console.log(`Licence: ${licenceName(out.licence)}`)
        else console.log(`Licence: unknown: Graph refused (${graphRefusals.join('; ')})`)
        console.log(
          session.tokenCache
            ? `Saved in ${store.location}; tokens are kept encrypted in ${session.tokenCache} (\`passage connect --sign-out\` deletes them).`
            : `Saved in ${store.location} (no tokens are stored).`,
        )
      }
    } finally {
      session.close()
    }
  })
}

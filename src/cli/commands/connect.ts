import type { Command } from 'commander'
import { connect, deleteTokenCache, newProfile, type AuthProfile } from '../../app/session.js'
import { PassageError } from '../../core/errors/index.js'
import { licenceName } from '../../core/model/licence.js'
import { showDeviceCode, progress, withStore } from '../connection.js'
import { printJson } from '../output.js'

interface ConnectOptions {
  tenant?: string
  sandbox?: string
  ca?: string
  appId?: string
  clientId?: string
  graphClientId?: string
  certificate?: string
  key?: string
  tokenCache?: boolean
  signOut?: boolean
  json?: boolean
}

/** `passage connect`: sign in to a tenant and save how (tokens only in the opt-in cache). */
export function registerConnectCommand(program: Command): void {
  program
    .command('connect')
    .description('sign in to a tenant (device code, or an app certificate) and save the connection')
    .option('--tenant <name|guid>', 'the tenant: contoso.onmicrosoft.com or its GUID')
    .option('--sandbox <url>', "the sandbox's base URL instead of Microsoft's")
    .option('--ca <file>', "the sandbox's CA certificate (PEM) to trust")
    .option('--app-id <id>', 'app-only sign-in: the app (client) id')
    .option(
      '--client-id <id>',
      "device code: your own app registration's client id (default: the Exchange Online PowerShell module's); it is used for Graph too",
    )
    .option(
      '--graph-client-id <id>',
      "device code: the public client for Microsoft Graph (default: your --client-id, else Microsoft's Graph command-line client 14d82eec-...)",
    )
    .option('--certificate <pem>', "app-only: the app's certificate file")
    .option('--key <pem>', "app-only: the certificate's private key file (never stored)")
    .option(
      '--token-cache',
      'keep tokens in a file encrypted with PASSAGE_TOKEN_CACHE_KEY, so later commands sign in silently',
    )
    .option('--sign-out', 'delete the token cache file (signs out every cached account)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: ConnectOptions, cmd: Command) => {
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
    })
}

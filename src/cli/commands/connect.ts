import type { Command } from 'commander'

/** The options of `passage connect`. */
export interface ConnectOptions {
  tenant?: string
  sandbox?: string
  ca?: string
  appId?: string
  clientId?: string
  graphClientId?: string
  certificate?: string
  key?: string
  /** true: --token-cache (insist on a cache); false: --no-token-cache (memory only). */
  tokenCache?: boolean
  readOnly?: boolean
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
      "device code: your own app registration's client id (default: the Exchange Online PowerShell module's, one code, Exchange only); it is used for Microsoft Graph too",
    )
    .option(
      '--graph-client-id <id>',
      "device code: a public client for Microsoft Graph, signed in with a second code (default: your --client-id; with Microsoft's default apps Graph is not asked: discovery reads everything from Exchange)",
    )
    .option('--certificate <pem>', "app-only: the app's certificate file")
    .option('--key <pem>', "app-only: the certificate's private key file (never stored)")
    .option(
      '--token-cache',
      'insist on keeping tokens between commands (the default where it can: encrypted, with the key in the system secret store, passage key agent or PASSAGE_TOKEN_CACHE_KEY); refuse when none can be had',
    )
    .option('--no-token-cache', 'keep tokens in memory only: each command signs in again')
    .option(
      '--read-only',
      'accept an admin who may change nothing (Security Reader, Global Reader): discover and check only',
    )
    .option(
      '--sign-out',
      'forget every saved sign-in: delete the token cache file and its key (ends the key agent)',
    )
    .option('--json', 'print the result as JSON')
    // The implementation (the store, msal, Graph) loads only when the command runs.
    .action(async (opts: ConnectOptions, cmd: Command) => {
      const { run } = await import('./connect.run.js')
      await run(opts, cmd)
    })
}

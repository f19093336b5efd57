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
    // The implementation (the store, msal, Graph) loads only when the command runs.
    .action(async (opts: ConnectOptions, cmd: Command) => {
      const { run } = await import('./connect.run.js')
      await run(opts, cmd)
    })
}

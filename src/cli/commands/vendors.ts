import type { Command } from 'commander'

/** The options of `passage vendors` and `passage vendor show`. */
export interface VendorsOptions {
  json?: boolean
}

/** `passage vendors` and `passage vendor show <id>`. */
export function registerVendorCommands(program: Command): void {
  program
    .command('vendors')
    .description('list the vendor catalog')
    .option('--json', 'print JSON')
    // The implementation (the catalog) loads only when the command runs.
    .action(async (opts: VendorsOptions) => {
      const { listVendors } = await import('./vendors.run.js')
      await listVendors(opts)
    })

  const vendor = program.command('vendor').description('show one vendor profile')
  vendor
    .command('show')
    .argument('<id>', 'vendor id (see passage vendors)')
    .option('--json', 'print JSON')
    .description(
      'what a vendor asks of Microsoft 365 admins, its identity and parameters, and the protections passage can adjust',
    )
    .action(async (id: string, opts: VendorsOptions) => {
      const { showVendor } = await import('./vendors.run.js')
      await showVendor(id, opts)
    })
}

import type { Command } from 'commander'
import { readText } from '../../app/files.js'
import { explain } from '../../app/explain.js'
import { chooseVendor, parseParams } from '../../app/vendor-choice.js'
import { printJson } from '../output.js'

interface ExplainOptions {
  vendor?: string
  param: string[]
  vendorFile?: string
  json?: boolean
}

const collect = (v: string, prev: string[]) => [...prev, v]

/** Registers `passage explain`: what a delivered message's headers say happened to it. */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      "explain a delivered message's headers: the tenant's verdict, why, and whether a vendor's setup took effect",
    )
    .argument('<file>', 'a header block or a whole .eml file, or - for standard input')
    .option('--vendor <id>', 'check that this vendor’s configuration took effect')
    .option('--param <key=value>', 'vendor parameter (repeatable)', collect, [])
    .option('--vendor-file <file>', 'a custom vendor profile (YAML or JSON)')
    .option('--json', 'print the analysis as JSON')
    .action((file: string, o: ExplainOptions) => {
      const vendor =
        o.vendor || o.vendorFile
          ? chooseVendor(o.vendor ?? 'custom', parseParams(o.param), o.vendorFile)
          : undefined
      const { analysis, lines } = explain(readText(file), vendor)
      if (o.json) printJson(analysis)
      else console.log(lines.join('\n'))
    })
}

import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The layer rules of design.md are enforced by ESLint; this proves the rules bite.
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname })

async function restricted(file: string, source: string): Promise<boolean> {
  const [result] = await eslint.lintText(source, { filePath: file })
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports')
}

describe('layer rules', () => {
  it.each([
    ['src/core/x.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
    [
      'src/core/x.ts',
      "import { loadCatalog } from '../catalog/index.js'\nexport const x = loadCatalog",
    ],
    ['src/catalog/x.ts', "import { x as y } from '../store/db.js'\nexport const x = y"],
    ['src/exchange/x.ts', "import { x as y } from '../app/run.js'\nexport const x = y"],
    ['src/sandbox/x.ts', "import { plan } from '../core/planner/plan.js'\nexport const x = plan"],
    [
      'src/sandbox/x.ts',
      "import { transportRuleSurface } from '../core/surfaces/transport-rule.js'\nexport const x = transportRuleSurface",
    ],
    ['src/app/x.ts', "import { x as y } from '../cli/main.js'\nexport const x = y"],
    ['src/server/x.ts', "import { x as y } from '../cli/main.js'\nexport const x = y"],
  ])('%s may not: %s', async (file, source) => {
    expect(await restricted(file, source)).toBe(true)
  })

  it.each([
    [
      'src/catalog/x.ts',
      "import { PassageError } from '../core/errors/index.js'\nexport const x = PassageError",
    ],
    [
      'src/sandbox/x.ts',
      "import { TenantSnapshot } from '../core/model/snapshot.js'\nexport const x = TenantSnapshot",
    ],
    ['src/app/x.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
    ['src/cli/x.ts', "import { x as y } from '../app/plan.js'\nexport const x = y"],
    [
      'src/core/planner/x.ts',
      "import { parseIpEntry } from '../net/ip.js'\nexport const x = parseIpEntry",
    ],
  ])('%s may: %s', async (file, source) => {
    expect(await restricted(file, source)).toBe(false)
  })
})

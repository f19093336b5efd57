import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The layer rules of design.md (and of the 2026-12 architecture review, finding 5) are enforced
// by ESLint; this proves the rules bite, and that they let through what the design allows.
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname })

async function restricted(file: string, source: string): Promise<boolean> {
  const [result] = await eslint.lintText(source, { filePath: file })
  // web/ uses typescript-eslint's variant of the rule (it knows type-only imports).
  return (result?.messages ?? []).some((m) => m.ruleId?.endsWith('no-restricted-imports'))
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
    // Front ends and the store reach the planner only through app.
    ['src/server/x.ts', "import { plan } from '../core/planner/plan.js'\nexport const x = plan"],
    [
      'src/server/routes/x.ts',
      "import { plan } from '../../core/planner/index.js'\nexport const x = plan",
    ],
    ['src/store/x.ts', "import { plan } from '../core/planner/plan.js'\nexport const x = plan"],
    // The evaluator decides from the tenant state alone.
    ['src/core/evaluator/x.ts', "import { plan } from '../planner/plan.js'\nexport const x = plan"],
    [
      'src/core/evaluator/x.ts',
      "import { readFileSync } from 'node:fs'\nexport const x = readFileSync",
    ],
    // The sandbox: core's evaluator, model and errors only, and its own copy of the limits.
    [
      'src/sandbox/engine/x.ts',
      "import { parseIpEntry } from '../../core/net/ip.js'\nexport const x = parseIpEntry",
    ],
    [
      'src/sandbox/seed/x.ts',
      "import { contentHash } from '../../core/hash.js'\nexport const x = contentHash",
    ],
    [
      'src/sandbox/x.ts',
      "import { render } from '../core/powershell/render.js'\nexport const x = render",
    ],
    [
      'src/sandbox/engine/x.ts',
      "import { x as y } from '../../core/protections/index.js'\nexport const x = y",
    ],
    [
      'src/sandbox/engine/x.ts',
      "import { TRANSPORT_RULE_LIMITS } from '../../core/model/transport-rule.js'\nexport const x = TRANSPORT_RULE_LIMITS",
    ],
    [
      'src/sandbox/engine/x.ts',
      "import { TABL_LIMITS, TABL_RULES } from '../../core/model/tabl.js'\nexport const x = [TABL_LIMITS, TABL_RULES]",
    ],
    ['src/sandbox/x.ts', "import { x as y } from '../app/run.js'\nexport const x = y"],
    // web/: only the API's types from the server, nothing else of src/.
    ['web/src/x.ts', "import { x as y } from '../../src/server/app.js'\nexport const x = y"],
    ['web/src/x.ts', "import { x as y } from '../../src/core/model/index.js'\nexport const x = y"],
    [
      'web/src/x.ts',
      "import { Plan } from '../../src/server/api-types.js'\nexport const x: Plan | null = null",
    ],
    ['web/src/x.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
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
    [
      'src/sandbox/engine/x.ts',
      "import { AntiSpamPolicy } from '../../core/model/anti-spam.js'\nexport const x = AntiSpamPolicy",
    ],
    [
      'src/sandbox/mail/x.ts',
      "import { evaluate } from '../../core/evaluator/index.js'\nexport const x = evaluate",
    ],
    [
      'src/sandbox/state/x.ts',
      "import { PassageError } from '../../core/errors/index.js'\nexport const x = PassageError",
    ],
    [
      'src/sandbox/x.ts',
      "import { createEngine } from './engine/index.js'\nexport const x = createEngine",
    ],
    [
      'src/sandbox/http/x.ts',
      "import { createEngine } from '../engine/index.js'\nexport const x = createEngine",
    ],
    ['src/app/x.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
    ['src/app/x.ts', "import { plan } from '../core/planner/plan.js'\nexport const x = plan"],
    ['src/cli/x.ts', "import { x as y } from '../app/plan.js'\nexport const x = y"],
    ['src/server/x.ts', "import { x as y } from '../app/plan.js'\nexport const x = y"],
    [
      'src/core/planner/x.ts',
      "import { parseIpEntry } from '../net/ip.js'\nexport const x = parseIpEntry",
    ],
    [
      'src/core/evaluator/x.ts',
      "import { TenantSnapshot } from '../model/snapshot.js'\nexport const x = TenantSnapshot",
    ],
    [
      'web/src/x.ts',
      "import type { Plan } from '../../src/server/api-types.js'\nexport const x: Plan | null = null",
    ],
    ['web/src/x.ts', "export type { Plan, Run } from '../../src/server/api-types.js'"],
    ['web/src/x.ts', "import { api } from './api.js'\nexport const x = api"],
  ])('%s may: %s', async (file, source) => {
    expect(await restricted(file, source)).toBe(false)
  })
})

// Writes docs/microsoft-behaviour.md from the behaviour register (src/core/behaviour).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REGISTER } from '../src/core/behaviour/index.js'
import { renderRegister } from '../src/core/behaviour/render.js'

const out = join(import.meta.dirname, '..', 'docs', 'microsoft-behaviour.md')
writeFileSync(out, `${renderRegister(REGISTER)}\n`)
console.log(`${out}: ${REGISTER.length} behaviours`)

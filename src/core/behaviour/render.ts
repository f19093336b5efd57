import type { BehaviourRow } from './types.js'

const TITLES: Record<BehaviourRow['area'], string> = {
  evaluator: 'Policy evaluator (where a message lands)',
  headers: 'Header analyzer (what a delivered message says)',
  planner: 'Planner (what passage plans, and how)',
  limits: 'Microsoft limits',
  client: 'Admin API, Graph and sign-in client',
  sandbox: 'Sandbox (the emulated tenant)',
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The register as Markdown: one table per area. Pure. */
export function renderRegister(rows: readonly BehaviourRow[]): string {
  const out = [
    '# What passage models of Microsoft 365, and where it comes from',
    '',
    'Generated from `src/core/behaviour/` by `npm run docs:behaviour`; edit the rows there.',
    'Each row: the rule in passage’s words, the Microsoft page it traces to (and when it was read),',
    'the code that implements it and the test that pins it (the test’s name starts with the id).',
    'Where Microsoft’s pages disagree or are silent, the row says so and which one passage follows.',
    '',
  ]
  for (const area of Object.keys(TITLES) as BehaviourRow['area'][]) {
    const mine = rows.filter((r) => r.area === area)
    if (!mine.length) continue
    out.push(`## ${TITLES[area]}`, '')
    out.push('| id | rule | Microsoft source (read) | code | test | disagreement |')
    out.push('| --- | --- | --- | --- | --- | --- |')
    for (const r of mine)
      out.push(
        `| \`${r.id}\` | ${cell(r.rule)} | ${r.sources.map((s) => `${cell(s.page)} (${s.read})`).join('<br>')} | ${r.code.map((c) => `\`${c}\``).join('<br>')} | ${r.tests.map((t) => `\`${t}\``).join('<br>')} | ${cell(r.disagreement ?? '')} |`,
      )
    out.push('')
  }
  return out.join('\n')
}

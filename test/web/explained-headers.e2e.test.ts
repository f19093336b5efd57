/// <reference lib="dom" />
/**
 * Pasted headers explained in the wizard (review first-use-2026-12, item 10a): the panel said
 * "Verdict: junk (SPM)" above the CLI's own lines ("scl: 5  <-  X-Forefront-Antispam-Report:
 * SCL:5"). Now it says in words what Microsoft decided, what it found ("spam"), why and at which
 * stage, with each finding and the header it came from in a folded table. Skipped, with a
 * message, only when Chromium is missing.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chooseVendor,
  CHROMIUM,
  HAS_CHROMIUM,
  launch,
  ROOT,
  serve,
  shot,
  signIn,
  type Browsing,
  type Served,
} from './harness.js'

if (!HAS_CHROMIUM)
  console.warn(
    `Skipping the explained-headers browser test: ${CHROMIUM} is missing (apt-get install -y chromium).`,
  )

describe.skipIf(!HAS_CHROMIUM)('explained headers (passage serve --sandbox)', () => {
  let served: Served
  let b: Browsing

  beforeAll(async () => {
    ;[served, b] = await Promise.all([serve(), launch()])
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
  })

  it('are worded: decision, finding, reason and stage, the evidence naming its headers', async () => {
    const page = await b.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(served.url)
    await chooseVendor(page, 'trustifi', {}, 'Trustifi')
    await signIn(
      page,
      b.context,
      'northwindtraders.onmicrosoft.com',
      'exchange@northwindtraders.onmicrosoft.com',
    )
    await page
      .getByRole('heading', { level: 2, name: 'What your tenant has today' })
      .waitFor({ timeout: 30_000 })
    await page
      .getByRole('navigation', { name: 'Wizard steps' })
      .getByRole('button', { name: /^Test delivery/ })
      .click()
    await page.getByRole('heading', { level: 2, name: 'Test delivery' }).waitFor()
    const headers = readFileSync(`${ROOT}examples/headers/junked-spam.eml`, 'utf8')
    await page.getByLabel(/Paste the headers of a message/).fill(headers)
    await page.getByRole('button', { name: 'Explain', exact: true }).click()
    const panel = page.getByTestId('explanation')
    await panel.waitFor({ timeout: 30_000 })

    const facts = panel.locator('dl.facts')
    const fact = async (term: string) =>
      facts.locator(`dt:text-is("${term}") + dd`).first().textContent()
    expect(await fact('What Microsoft decided')).toBe('Junk Email, as the mailbox recorded it.')
    expect(await fact('What filtering found')).toBe('spam')
    expect(await fact('Why')).toBe('Spam found: Junk Email')
    expect(await fact('Which stage decided')).toBe('Anti-spam')

    // No CLI arrows, no raw category code, anywhere in the panel.
    const text = (await panel.textContent()) ?? ''
    expect(text).not.toContain('<-')
    expect(text).not.toMatch(/\bSPM\b/)
    expect(text).not.toContain('Verdict: junk')

    // The evidence is folded away; opened, it is a table of finding and header.
    const evidence = page.getByTestId('explained-evidence')
    expect(await evidence.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
    await evidence.locator('summary').click()
    const table = evidence.locator('table')
    expect(await table.locator('thead th').allTextContents()).toEqual(['Finding', 'Header'])
    const row = table.locator('tbody tr', { hasText: 'Detected: spam' })
    expect(await row.locator('td').nth(1).textContent()).toBe('X-Forefront-Antispam-Report')
    const landed = table.locator('tbody tr', { hasText: 'Landed in Junk Email' })
    expect(await landed.locator('td').nth(1).textContent()).toBe(
      'X-Microsoft-Antispam-Mailbox-Delivery',
    )
    await shot(page, 'explained-headers')
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)
})

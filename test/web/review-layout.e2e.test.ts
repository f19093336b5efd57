/// <reference lib="dom" />
/**
 * The Review step at 1024 px (issue 14, first-use review item 10: "Review is ~4,400 px tall with
 * near-identical allow-entry cards"). ContactMonkey on the contoso sandbox tenant plans several
 * Tenant Allow/Block List URL allows that share a surface, an operation and a reason: Review shows
 * them as ONE card that lists each entry (value, expiry), with the shared reason, risk and
 * PowerShell said once. Every planned change stays on the page (one entry each, counted against
 * the plan the server sent), and the Changes tab stays under 3,000 px tall.
 * Skipped, with a message, only when Chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { PlanResult } from '../../src/server/api-types.js'
import {
  type Browsing,
  CHROMIUM,
  contactMonkeyToProtections,
  HAS_CHROMIUM,
  heading,
  launch,
  serve,
  type Served,
  shot,
} from './harness.js'

if (!HAS_CHROMIUM)
  console.warn(
    `Skipping the Review layout browser test: ${CHROMIUM} is missing (apt-get install -y chromium).`,
  )

/** The tallest the Changes tab may be at 1024 px (the audit measured 6,788 px before grouping). */
const MAX_HEIGHT = 3000

/** The document's height, as the admin scrolls it. */
const height = (page: Page) =>
  page.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))

describe.skipIf(!HAS_CHROMIUM)('Review groups alike changes (1024 px)', () => {
  let served: Served
  let b: Browsing

  beforeAll(async () => {
    ;[served, b] = await Promise.all([serve(), launch({ width: 1024, height: 800 })])
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
  })

  it('ContactMonkey on contoso: every change shown, the URL allows on one card, under 3,000 px', async () => {
    const page = await b.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await contactMonkeyToProtections(page, b, served.url)
    await page.locator('[data-protection="anti-spam"] input[type=checkbox]').waitFor()

    // The plan as the server sent it: what Review must show, change by change.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/plan') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Review the changes' }).click(),
    ])
    const planned = ((await response.json()) as PlanResult).plan.changes
    await heading(page, /Review: \d+ changes? for ContactMonkey/)

    // Heights of two views, for the record (the Changes tab is the one Review opens on).
    const changesHeight = await height(page)
    await page.getByRole('tab', { name: 'What happens to the mail' }).click()
    await page.getByTestId('simulation').waitFor()
    const mailHeight = await height(page)
    await page.getByRole('tab', { name: 'Changes' }).click()
    await page.locator('[data-change]').first().waitFor()
    console.info(`Review at 1024 px: Changes ${changesHeight} px, mail ${mailHeight} px`)
    await shot(page, 'review-layout-changes')

    // No change disappears: one entry per planned change, each under its own id.
    expect(await page.locator('[data-change]').count()).toBe(planned.length)
    for (const c of planned) expect(await page.locator(`[data-change="${c.id}"]`).count()).toBe(1)

    // The Tenant Allow/Block List URL allows share one card that lists them all.
    const urls = planned.filter((c) => c.surface === 'tabl-item' && c.target.startsWith('Url:'))
    expect(urls.length).toBe(4)
    const card = page.locator('[data-group]', {
      has: page.locator(`[data-change="${urls[0]!.id}"]`),
    })
    expect(await card.count()).toBe(1)
    expect(await card.locator('[data-change]').count()).toBe(urls.length)
    // Each entry with its own value and expiry.
    for (const [i, c] of urls.entries()) {
      const entry = card.locator(`[data-change="${c.id}"]`)
      expect(await entry.textContent()).toContain(c.after?.Value as string)
      expect(await entry.textContent()).toContain('45 days after last use')
      expect(await card.locator('[data-change]').nth(i).getAttribute('data-change')).toBe(c.id)
    }
    // Its reason, risk and PowerShell are said once, not once per entry.
    expect(await card.locator('.badge[class*="risk-"]').count()).toBe(1)
    const explained = card.locator('.explained')
    expect(await explained.count()).toBe(1)
    expect(await explained.textContent()).toContain(urls[0]!.risk.reason.slice(0, 40))
    const script = card.locator('details.change-powershell')
    expect(await script.count()).toBe(1)
    expect(await script.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
    for (const c of urls) expect(await script.textContent()).toContain(`# [${c.id}]`)

    // Fewer cards than changes, and the whole Changes tab fits the budget.
    expect(await page.locator('ol.changes > li').count()).toBeLessThan(planned.length)
    expect(changesHeight).toBeLessThan(MAX_HEIGHT)
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)
})

/// <reference lib="dom" />
/**
 * Undo, then review again, in the wizard (review first-use-2026-12, item 3b). The audit's repro:
 * apply ContactMonkey's plan on contoso, test delivery (the server reads the tenant again), undo
 * ("Undone: 9 changes restored"), then Protections and Review: the wizard said "Review: 0 changes
 * for ContactMonkey: your tenant already lets ContactMonkey through", planned on the copy of the
 * tenant read while the plan was applied. Now the review after the undo finds the same changes
 * as the first, and the plan on screen before the undo is forgotten (Summary asks for a review).
 * Skipped, with a message, only when Chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  type Browsing,
  CHROMIUM,
  confirmApply,
  contactMonkeyToProtections,
  HAS_CHROMIUM,
  heading,
  launch,
  serve,
  type Served,
} from './harness.js'

if (!HAS_CHROMIUM)
  console.warn(
    `Skipping the undo-then-review browser test: ${CHROMIUM} is missing (apt-get install -y chromium).`,
  )

describe.skipIf(!HAS_CHROMIUM)('undo, then review again (passage serve --sandbox)', () => {
  let served: Served
  let b: Browsing

  beforeAll(async () => {
    ;[served, b] = await Promise.all([serve(), launch()])
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
  })

  /** The Review step's changes, in order: each one's own words (on a shared card, what is its own). */
  const changes = async (page: Page): Promise<string[]> =>
    page.locator('[data-change] .change-summary').allTextContents()

  const review = async (page: Page): Promise<{ title: string; changes: string[] }> => {
    await page.getByRole('button', { name: 'Review the changes' }).click()
    await heading(page, /^Review: \d+ changes? for ContactMonkey/)
    const title =
      (await page.getByRole('heading', { level: 2, name: /^Review:/ }).textContent()) ?? ''
    return { title, changes: await changes(page) }
  }

  it('after apply, test delivery and undo, Review finds the same changes as the first time', async () => {
    const page = await b.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await contactMonkeyToProtections(page, b, served.url)
    await page.locator('[data-protection="anti-spam"] input[type=checkbox]').waitFor()

    const first = await review(page)
    expect(first.changes.length).toBeGreaterThan(0)
    expect(first.title).toContain(`Review: ${first.changes.length} change`)

    await page.getByRole('button', { name: /^Apply \d+ changes?$/ }).click()
    await confirmApply(page)
    await heading(page, /Applying \d+ changes? to contoso/)
    await page.getByRole('button', { name: 'Check configuration' }).waitFor({ timeout: 30_000 })

    // Test delivery reads the tenant, the plan applied, into the server's copy.
    await page.locator('#main').getByRole('button', { name: 'Test delivery' }).click()
    await heading(page, 'Test delivery')
    await page.getByRole('button', { name: /Send ContactMonkey’s test messages/ }).click()
    await page.getByTestId('delivery').waitFor({ timeout: 30_000 })

    await page.locator('#main').getByRole('button', { name: 'History and undo' }).click()
    await heading(page, /History of contoso/)
    const applyRow = page.locator('tr[data-kind="apply"]').first()
    await applyRow.getByRole('button', { name: 'Undo' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, undo it' }).click()
    const undone = page.getByTestId('undo-result')
    await undone.waitFor({ timeout: 30_000 })
    expect(await undone.textContent()).toContain(
      `Undone: ${first.changes.length} change${first.changes.length === 1 ? '' : 's'} restored`,
    )

    // The plan reviewed before the undo is gone: Summary asks for a new review.
    const bar = page.getByRole('navigation', { name: 'Wizard steps' })
    await bar.getByRole('button', { name: /^Summary/ }).click()
    await heading(page, 'Summary')
    expect(await page.locator('#main').textContent()).toContain('Choose the protections first.')

    await bar.getByRole('button', { name: /^Protections/ }).click()
    await heading(page, /Which protections should let ContactMonkey through/)
    await page.locator('[data-protection="anti-spam"] input[type=checkbox]').waitFor()
    const again = await review(page)
    expect(again.title).not.toContain('Review: 0 changes')
    expect(again.changes).toEqual(first.changes)
    expect(await page.locator('#main').textContent()).not.toContain('already lets')
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)
})

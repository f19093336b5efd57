/// <reference lib="dom" />
/**
 * plan.preset.exception in the wizard (issue 14, item 2): for ContactMonkey on contoso, where the
 * Standard preset covers the finance group, Review offers "Take these people out of the Standard
 * preset" as a switch, off, with its consequence written out; turning it on plans again with the
 * change (high risk), which applies, checks green and is undone from History. No command-line flag
 * text anywhere. Skipped, with a message, only when Chromium is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  shot,
} from './harness.js'

if (!HAS_CHROMIUM)
  console.warn(`Skipping the preset-exception browser test: ${CHROMIUM} is missing.`)

/** A command-line flag in text a web user reads. */
const FLAG = /(^|[\s(“"'`])--[a-z]/

describe.skipIf(!HAS_CHROMIUM)('plan.preset.exception in the wizard', () => {
  let served: Served
  let b: Browsing

  beforeAll(async () => {
    ;[served, b] = await Promise.all([serve(), launch()])
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
  })

  it('off by default; on, the plan takes finance out of the preset (high risk), applies green and undoes', async () => {
    const page = await b.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await contactMonkeyToProtections(page, b, served.url)
    await page.getByRole('button', { name: 'Review the changes' }).click()
    await heading(page, /Review: \d+ changes? for ContactMonkey/)

    const coverage = page.getByTestId('preset-coverage')
    await coverage.waitFor()
    // Folded until opened: its one-line summary says who, and how many choices are on.
    expect(await coverage.locator('summary').first().textContent()).toMatch(/none turned on/)
    await coverage.locator('summary').first().click()
    const toggle = coverage.getByTestId('preset-exception-Standard-ATP')
    expect(await toggle.isChecked()).toBe(false)
    expect(await coverage.textContent()).toMatch(/Off: passage leaves the preset as it is/)
    expect(await coverage.textContent()).toMatch(/for all their mail/)
    const before = (await page.locator('main h2').first().textContent()) ?? ''
    // Alike changes share a card (ol.changes > li) that lists each one ([data-change]); a change
    // alone is its own card.
    const exceptionCard = page
      .locator('ol.changes > li')
      .filter({ hasText: /Take members of finance@contoso.com out of the Standard preset/ })
    const exceptionChanges = exceptionCard.locator('xpath=descendant-or-self::*[@data-change]')
    expect(await exceptionChanges.count()).toBe(0)

    // The switch follows the plan: it turns on once the plan made with it comes back.
    await toggle.click()
    await expect
      .poll(() => coverage.locator('[data-chosen="yes"]').count(), { timeout: 30_000 })
      .toBeGreaterThan(0)
    const main = (await page.locator('main').textContent()) ?? ''
    expect(main).toMatch(/Take members of finance@contoso.com out of the Standard preset/)
    expect(main).toMatch(/On: this plan makes the change/)
    expect(await coverage.locator('summary').first().textContent()).toMatch(
      /\d+ of \d+ choices for them turned on/,
    )
    expect(main).not.toMatch(FLAG)
    expect((await page.locator('main h2').first().textContent()) ?? '').not.toBe(before)
    // The plan now changes both of the preset's rules (EOP and Defender), each high risk.
    expect(await exceptionChanges.count()).toBe(2)
    expect((await exceptionCard.first().locator('.change-head').textContent()) ?? '').toMatch(
      /High/i,
    )
    expect(
      (await coverage.locator('[data-chosen="yes"] .badge').first().textContent()) ?? '',
    ).toMatch(/High/i)
    await shot(page, 'preset-exception-5-review-on')

    await page.getByRole('button', { name: /^Apply \d+ changes?$/ }).click()
    await confirmApply(page)
    await heading(page, /Applying \d+ changes? to contoso/)
    await page.getByRole('button', { name: 'Check configuration' }).click({ timeout: 30_000 })
    await page.getByTestId('check-green').waitFor({ timeout: 30_000 })

    await page.locator('#main').getByRole('button', { name: 'History and undo' }).click()
    await heading(page, /History of contoso/)
    const applyRow = page.locator('tr[data-kind="apply"]').first()
    await applyRow.waitFor()
    await applyRow.getByRole('button', { name: 'Undo' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Yes, undo it' }).click()
    const undone = page.getByTestId('undo-result')
    await undone.waitFor({ timeout: 30_000 })
    expect(await undone.textContent()).toMatch(/Undone: \d+ changes? restored/)
    await expect
      .poll(() => page.locator('tr[data-kind="apply"]').first().getAttribute('data-status'))
      .toBe('rolled-back')
    expect(errors).toEqual([])
    await page.close()
  }, 150_000)
})

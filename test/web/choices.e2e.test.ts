/// <reference lib="dom" />
/**
 * Honest choices in the wizard (issue 14, item 2), for ContactMonkey on contoso, where the
 * Standard preset covers the finance group: a high-risk mechanism is never ticked for the admin
 * but offered as a switch with its consequence written out; a protection a preset partly covers
 * is planned for everyone else, and Review shows who stays unchanged, why, and what Microsoft
 * allows for them, each with its risk; no command-line flag appears anywhere. Screenshots go to
 * artifacts/screenshots/. Skipped, with a message, only when Chromium is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  console.warn(`Skipping the honest-choices browser tests: ${CHROMIUM} is missing.`)

/** A command-line flag in text a web user reads. */
const FLAG = /(^|[\s(“"'`])--[a-z]/

describe.skipIf(!HAS_CHROMIUM)('honest choices in the wizard (passage serve --sandbox)', () => {
  let served: Served
  let b: Browsing

  beforeAll(async () => {
    ;[served, b] = await Promise.all([serve(), launch()])
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
  })

  it('ContactMonkey on contoso: a high-risk opt-in and partial preset coverage', async () => {
    const page = await b.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await contactMonkeyToProtections(page, b, served.url)
    // ZAP can only be turned off by a high-risk change here: a switch, off, its consequence shown.
    const zap = page.locator('[data-protection="zap"][data-optin]')
    await zap.waitFor()
    const toggle = zap.getByRole('switch')
    expect(await toggle.isChecked()).toBe(false)
    expect(await zap.textContent()).toMatch(/high risk/i)
    expect(await zap.textContent()).toMatch(/Off unless you turn it on/)
    // No "least risky" choice carries a high-risk badge.
    for (const card of await page.locator('[data-protection]:not([data-optin])').all()) {
      const select = card.locator('select')
      if ((await select.count()) === 0) continue
      const auto = (await select.locator('option[value=""]').textContent()) ?? ''
      if (/Least risky/.test(auto))
        expect(await card.locator('.badge').allTextContents()).not.toContain('High risk')
    }
    // Safe Links is offered for everyone but the finance group the Standard preset covers.
    const links = page.locator('[data-protection="safe-links"]')
    expect(await links.locator('input[type=checkbox]').first().isChecked()).toBe(true)
    expect(await links.getByTestId('unchanged-for').textContent()).toContain(
      'members of finance@contoso.com',
    )
    await shot(page, 'choices-4-protections')
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(FLAG)

    // Review without the opt-in: ZAP is left off, and said so in plain words.
    await page.getByRole('button', { name: 'Review the changes' }).click()
    await heading(page, /Review: \d+ changes? for ContactMonkey/)
    expect(await page.locator('[data-optin-skipped="zap"]').textContent()).toMatch(
      /turn it on in the Protections step/,
    )
    const coverage = page.getByTestId('preset-coverage')
    await coverage.waitFor()
    const text = (await coverage.textContent()) ?? ''
    expect(text).toContain('members of finance@contoso.com')
    expect(text).toMatch(/Everyone else gets the change/)
    const exception = coverage.locator('[data-preset-option="preset-exception"]').first()
    expect(await exception.textContent()).toMatch(/out of the Standard preset/)
    expect(await exception.locator('.badge').first().textContent()).toMatch(/High/i)
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(FLAG)
    await shot(page, 'choices-5-review-preset-coverage')
    // Who exactly: discovery reads the finance group's members from Exchange (one sign-in).
    expect(text).toContain('megan.bowen@contoso.com')
    expect(text).not.toMatch(/could not be read/)

    // Turning the switch on is the admin's decision: the plan then turns spam ZAP off.
    await page.getByRole('button', { name: 'Change the choices' }).click()
    await heading(page, /Which protections should let ContactMonkey through/)
    await page.locator('[data-protection="zap"][data-optin]').getByRole('switch').check()
    await shot(page, 'choices-4-protections-opt-in')
    await page.getByRole('button', { name: 'Review the changes' }).click()
    await heading(page, /Review: \d+ changes? for ContactMonkey/)
    await expect.poll(() => page.locator('main').textContent()).toMatch(/Turn spam ZAP off/)
    expect(await page.locator('[data-optin-skipped="zap"]').count()).toBe(0)
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(FLAG)
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)
})

/// <reference lib="dom" />
/**
 * The web wizard end to end: `passage serve --sandbox` driven in headless Chromium through every
 * step, for Trustifi (northwindtraders) and ContactMonkey (contoso), then the refusals a real
 * admin meets (no role, API access disabled) and undo. Screenshots of each step go to
 * artifacts/screenshots/. Skipped, with a message, only when Chromium is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  chooseVendor,
  CHROMIUM,
  confirmApply,
  HAS_CHROMIUM,
  launch,
  serve,
  shot,
  signIn,
  type Browsing,
  type Served,
} from './harness.js'

if (!HAS_CHROMIUM)
  console.warn(
    `Skipping the web wizard's browser tests: ${CHROMIUM} is missing (apt-get install -y chromium).`,
  )

describe.skipIf(!HAS_CHROMIUM)('web wizard in Chromium (passage serve --sandbox)', () => {
  let served: Served
  let b: Browsing

  beforeAll(async () => {
    ;[served, b] = await Promise.all([serve(), launch()])
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
  })

  async function open(): Promise<Page> {
    const page = await b.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(served.url)
    // The token leaves the address bar at once.
    await expect.poll(() => page.url()).not.toContain('token=')
    ;(page as Page & { errors?: string[] }).errors = errors
    return page
  }

  const heading = (page: Page, name: string | RegExp) =>
    page.getByRole('heading', { level: 2, name }).waitFor({ timeout: 30_000 })

  it('Trustifi on northwindtraders: vendor, sign-in, discovery, protections, summary, apply, check, undo', async () => {
    const page = await open()
    // One sign-in for the whole flow: each device-code sign-in opens the sign-in page in a tab.
    let signInPages = 0
    const countSignIn = () => signInPages++
    b.context.on('page', countSignIn)
    await heading(page, 'Which service do you want to let through?')
    await shot(page, 'trustifi-1-vendor')
    await chooseVendor(page, 'trustifi', {}, 'Trustifi')

    await signIn(
      page,
      b.context,
      'northwindtraders.onmicrosoft.com',
      'exchange@northwindtraders.onmicrosoft.com',
      'trustifi-2-signin',
    )

    await heading(page, 'What your tenant has today')
    await page.getByRole('button', { name: 'Choose protections' }).waitFor()
    await expect
      .poll(() => page.getByTestId('roles').textContent())
      .toContain('Exchange Administrator')
    await shot(page, 'trustifi-3-discovery')
    await page.getByRole('button', { name: 'Choose protections' }).click()

    await heading(page, /Which protections should let Trustifi through/)
    await page.locator('[data-protection="anti-spam"] input[type=checkbox]').waitFor()
    // Trustifi's own recipe, as in its guide (what cannot be done safely is not offered).
    await page.getByLabel(/Trustifi’s own recipe/).check()
    expect(await page.locator('[data-protection="clutter"] input[type=checkbox]').isChecked()).toBe(
      true,
    )
    await shot(page, 'trustifi-4-protections')
    await page.getByRole('button', { name: 'Review the changes' }).click()

    await heading(page, /Review: \d+ changes? for Trustifi/)
    expect(await page.locator('[data-change]').count()).toBeGreaterThan(0)
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('Trustifi Inbound Bypass Clutter')
    await shot(page, 'trustifi-5-summary')
    await page.getByRole('tab', { name: 'PowerShell' }).click()
    await expect
      .poll(() => page.locator('pre.powershell').textContent())
      .toContain('New-TransportRule')
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PowerShell script' }).click(),
    ])
    expect(dl.suggestedFilename()).toMatch(/^passage-trustifi-northwindtraders-[0-9a-f]{8}\.ps1$/)
    await shot(page, 'trustifi-5-summary-powershell')
    await page.getByRole('tab', { name: 'What happens to the mail' }).click()
    await shot(page, 'trustifi-5-summary-mail')
    await page.getByRole('button', { name: /^Apply \d+ changes?$/ }).click()
    await confirmApply(page)

    await heading(page, /Applying \d+ changes? to northwindtraders/)
    await page.getByRole('button', { name: 'Check configuration' }).click({ timeout: 30_000 })
    const green = page.getByTestId('check-green')
    await green.waitFor({ timeout: 30_000 })
    expect(await green.textContent()).toContain('The configuration is in effect')
    expect(await green.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(29, 122, 58)')
    await shot(page, 'trustifi-6-apply-check')

    await page.locator('#main').getByRole('button', { name: 'History and undo' }).click()
    await heading(page, /History of northwindtraders/)
    const applyRow = page.locator('tr[data-kind="apply"]').first()
    await applyRow.waitFor()
    expect(await applyRow.getAttribute('data-status')).toBe('done')
    await shot(page, 'trustifi-8-history')
    await applyRow.getByRole('button', { name: 'Undo' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    await shot(page, 'trustifi-8-undo-confirm')
    await dialog.getByRole('button', { name: 'Yes, undo it' }).click()
    const undone = page.getByTestId('undo-result')
    await undone.waitFor({ timeout: 30_000 })
    expect(await undone.textContent()).toMatch(/Undone: \d+ changes? restored/)
    await expect
      .poll(() => page.locator('tr[data-kind="apply"]').first().getAttribute('data-status'))
      .toBe('rolled-back')
    await shot(page, 'trustifi-8-undone')
    expect((page as Page & { errors?: string[] }).errors).toEqual([])
    b.context.off('page', countSignIn)
    expect(signInPages).toBe(1)
    expect(await page.getByRole('button', { name: /Sign in with a code/ }).count()).toBe(0)
    await page.close()
  }, 90_000)

  it('ContactMonkey on contoso (region us, dedicated IP): the happy path and test delivery', async () => {
    const page = await open()
    await heading(page, 'Which service do you want to let through?')
    await page.getByLabel('Category').selectOption('internal-comms')
    await page.locator('[data-vendor="contactmonkey"]').click()
    // The form refuses a missing dedicated IP before anything is sent.
    await page.getByRole('button', { name: 'Continue to sign-in' }).click()
    await expect
      .poll(() => page.locator('.field-error').first().textContent())
      .toContain('required')
    await shot(page, 'contactmonkey-1-vendor-validation')
    await chooseVendor(page, 'contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' })

    await signIn(
      page,
      b.context,
      'contoso.onmicrosoft.com',
      'exchange@contoso.onmicrosoft.com',
      'contactmonkey-2-signin',
    )
    await heading(page, 'What your tenant has today')
    await page.getByRole('button', { name: 'Choose protections' }).waitFor()
    await shot(page, 'contactmonkey-3-discovery')
    await page.getByRole('button', { name: 'Choose protections' }).click()

    await heading(page, /Which protections should let ContactMonkey through/)
    await page.locator('[data-protection="anti-spam"] input[type=checkbox]').waitFor()
    await shot(page, 'contactmonkey-4-protections')
    await page.getByRole('button', { name: 'Review the changes' }).click()

    await heading(page, /Review: \d+ changes? for ContactMonkey/)
    await page.getByRole('tab', { name: 'What happens to the mail' }).click()
    await page.getByTestId('simulation').waitFor()
    expect(await page.getByTestId('simulation').textContent()).toContain('Inbox')
    await shot(page, 'contactmonkey-5-summary-mail')
    await page.getByRole('tab', { name: 'Changes' }).click()
    await shot(page, 'contactmonkey-5-summary')
    await page.getByRole('button', { name: /^Apply \d+ changes?$/ }).click()
    await confirmApply(page)

    await heading(page, /Applying \d+ changes? to contoso/)
    await page.getByRole('button', { name: 'Check configuration' }).click({ timeout: 30_000 })
    await page.getByTestId('check-green').waitFor({ timeout: 30_000 })
    await shot(page, 'contactmonkey-6-apply-check')

    await page.locator('#main').getByRole('button', { name: 'Test delivery' }).click()
    await heading(page, 'Test delivery')
    await page.getByRole('button', { name: /Send ContactMonkey’s test messages/ }).click()
    const table = page.getByTestId('delivery')
    await table.waitFor({ timeout: 30_000 })
    expect(await table.textContent()).toContain('Inbox')
    await shot(page, 'contactmonkey-7-test-delivery')
    expect((page as Page & { errors?: string[] }).errors).toEqual([])
    await page.close()
  }, 90_000)

  it('a user without the role: insufficient permissions shown, nothing changed', async () => {
    const page = await open()
    await chooseVendor(page, 'trustifi')
    await signIn(page, b.context, 'fabrikam.onmicrosoft.com', 'reader@fabrikam.onmicrosoft.com')
    await heading(page, 'What your tenant has today')
    await page.getByRole('button', { name: 'Choose protections' }).waitFor()
    expect(await page.getByTestId('roles').textContent()).toContain('not change it')
    await shot(page, 'reader-3-discovery')
    await page.getByRole('button', { name: 'Choose protections' }).click()
    await page.getByRole('button', { name: 'Review the changes' }).click()
    await page.getByRole('button', { name: /^Apply \d+ changes?$/ }).click()
    await confirmApply(page)
    const alert = page.locator('.error-panel[data-code="PASSAGE_E_EXO_ROLE_MISSING"]')
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.textContent()).toContain('Insufficient permissions')
    expect(await page.getByTestId('apply-outcome').textContent()).toBe(
      'Nothing was changed in your tenant.',
    )
    // After a failed apply the main button offers to try again (or resume), not Test delivery.
    await page.getByRole('button', { name: 'Try the apply again' }).waitFor()
    expect(await page.locator('#main').getByRole('button', { name: 'Test delivery' }).count()).toBe(
      0,
    )
    await shot(page, 'reader-6-apply-refused')
    await page.close()
  }, 60_000)

  it('a custom service is called by its name, and a guessed MX says so', async () => {
    const page = await open()
    await chooseVendor(page, 'custom', { name: 'Acme Mailer', ips: '167.89.10.20' })
    await signIn(page, b.context, 'contoso.onmicrosoft.com', 'exchange@contoso.onmicrosoft.com')
    await heading(page, 'What your tenant has today')
    await page.getByRole('button', { name: 'Choose protections' }).waitFor()
    const main = (await page.locator('#main').textContent()) ?? ''
    expect(main).toContain('what already exists for Acme Mailer')
    expect(main).not.toContain('Custom service')
    // The sandbox's MX is not looked up: Microsoft 365 is a guess, and the page says so.
    expect(main).toContain('Probably straight to Microsoft 365')
    expect(main).toMatch(/Probably: DNS was not asked/)
    await page.getByRole('button', { name: 'Choose protections' }).click()
    await heading(page, /Acme Mailer/)
    await page.close()
  }, 60_000)

  it('a user with API access disabled: the diagnosis and what to do', async () => {
    const page = await open()
    await chooseVendor(page, 'trustifi')
    await signIn(page, b.context, 'fabrikam.onmicrosoft.com', 'blocked@fabrikam.onmicrosoft.com')
    const alert = page.locator('.error-panel[data-code="PASSAGE_E_EXO_API_DISABLED"]')
    await alert.waitFor({ timeout: 30_000 })
    const text = (await alert.textContent()) ?? ''
    expect(text).toContain('API access is disabled')
    expect(text).toContain('EXOModuleEnabled $true')
    await shot(page, 'blocked-3-discovery-refused')
    await page.close()
  }, 60_000)

  it('is usable 390 px wide and keyboard-first', async () => {
    const page = await b.context.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(served.url)
    await heading(page, 'Which service do you want to let through?')
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    // Skip link first, then the stepper; focus is visible.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain(
      'Skip to the current step',
    )
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement!).outlineStyle,
    )
    expect(outline).toBe('solid')
    await page.locator('[data-vendor="contactmonkey"]').focus()
    await page.keyboard.press('Enter')
    await page.locator('#param-dedicatedIp').waitFor()
    await shot(page, 'mobile-1-vendor')
    await page.close()
  }, 30_000)
})

/// <reference lib="dom" />
/**
 * The README's pictures of the wizard (docs/screenshots/*.png), taken by walking ContactMonkey on
 * the contoso sandbox tenant at 1024 px, the narrowest desktop width the wizard promises. The walk
 * always runs and checks what the pictures show (the step bar fits and follows the admin, Apply
 * asks first, History lists the test run); the PNGs are written only with PASSAGE_SCREENSHOTS=1,
 * so a test run never dirties the tree:
 *
 *   npm run build && PASSAGE_SCREENSHOTS=1 npx vitest run test/web/screenshots.e2e.test.ts
 *
 * Commit the pictures when they change.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  chooseVendor,
  confirmApply,
  HAS_CHROMIUM,
  launch,
  ROOT,
  serve,
  signIn,
  type Browsing,
  type Served,
} from './harness.js'

/** Where the README's pictures live. */
const DOCS_SHOTS = join(ROOT, 'docs', 'screenshots')
const WRITE = process.env.PASSAGE_SCREENSHOTS === '1'

/**
 * Saves what the admin sees from the top of the step as docs/screenshots/<name>.png: the first
 * screen, or with `full` the whole page (for short steps whose answer is below the fold), or with
 * `at` (a selector) the screen that starts at that element (Review's tabs and what they show).
 */
async function picture(page: Page, name: string, full = false, at?: string): Promise<void> {
  if (!WRITE) return
  mkdirSync(DOCS_SHOTS, { recursive: true })
  // Let transitions and the focus ring settle, so a picture does not change from run to run.
  await page.evaluate((selector) => {
    ;(document.activeElement as HTMLElement | null)?.blur()
    const el = selector ? document.querySelector(selector) : null
    if (el) el.scrollIntoView({ block: 'start' })
    else window.scrollTo(0, 0)
  }, at ?? null)
  await page.waitForTimeout(150)
  await page.screenshot({ path: join(DOCS_SHOTS, `${name}.png`), fullPage: full })
}

/** The step bar's buttons: label, enabled, current. */
async function stepBar(page: Page) {
  return page.locator('nav.stepper li button').evaluateAll((els) =>
    els.map((el) => ({
      label: el.getAttribute('title') ?? '',
      enabled: !(el as HTMLButtonElement).disabled,
      current: el.getAttribute('aria-current') === 'step',
    })),
  )
}

describe.skipIf(!HAS_CHROMIUM)('the wizard, as the README shows it', () => {
  let served: Served
  let b: Browsing

  beforeAll(async () => {
    ;[served, b] = await Promise.all([serve(), launch({ width: 1024, height: 800 })])
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
  })

  const heading = (page: Page, name: string | RegExp) =>
    page.getByRole('heading', { level: 2, name }).waitFor({ timeout: 30_000 })

  it('ContactMonkey on contoso: every key step, at 1024 px', async () => {
    const page = await b.context.newPage()
    await page.goto(served.url)
    await heading(page, 'Which service do you want to let through?')

    // The step bar fits at 1024 px: no step is pushed out of sight.
    const fit = await page.evaluate(() => {
      const nav = document.querySelector('nav.stepper')!
      const items = Array.from(nav.querySelectorAll('li'))
      return {
        overflow: nav.scrollWidth - nav.clientWidth,
        lastRight: items.at(-1)!.getBoundingClientRect().right,
        width: window.innerWidth,
      }
    })
    expect(fit.overflow).toBeLessThanOrEqual(0)
    expect(fit.lastRight).toBeLessThanOrEqual(fit.width)

    await page.locator('[data-vendor="contactmonkey"]').click()
    await page.locator('#param-dedicatedIp').fill('167.89.10.20')
    await picture(page, '1-vendor')
    await chooseVendor(page, 'contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' })

    await signIn(page, b.context, 'contoso.onmicrosoft.com', 'exchange@contoso.onmicrosoft.com')
    await heading(page, 'What your tenant has today')
    await page.getByRole('button', { name: 'Choose protections' }).waitFor()
    await picture(page, '2-discovery')
    // Signed in: Test delivery and History open from the bar, as their buttons do.
    const bar = await stepBar(page)
    expect(bar.map((s) => s.enabled)).toEqual([true, true, true, false, false, false, true, true])
    expect(bar.find((s) => s.current)?.label).toBe('Discovery')
    await page.getByRole('button', { name: 'Choose protections' }).click()

    await heading(page, /Which protections should let ContactMonkey through/)
    await page.locator('[data-protection="anti-spam"] input[type=checkbox]').waitFor()
    await picture(page, '3-protections')
    await page.getByRole('button', { name: 'Review the changes' }).click()

    await heading(page, /Review: \d+ changes? for ContactMonkey/)
    await page.getByRole('tab', { name: 'What happens to the mail' }).click()
    await page.getByTestId('simulation').waitFor()
    await picture(page, '4-review-mail', false, '[role="tablist"]')
    await page.getByRole('tab', { name: 'Changes' }).click()
    await picture(page, '5-review-changes', false, '[role="tablist"]')

    // Apply asks first; nothing is applied until the admin says yes.
    await page.getByRole('button', { name: /^Apply \d+ changes?$/ }).click()
    await page.getByRole('dialog').waitFor()
    await picture(page, '6-apply-confirm')
    await confirmApply(page)
    await heading(page, /Applying \d+ changes? to contoso/)
    await page.getByRole('button', { name: 'Check configuration' }).click({ timeout: 30_000 })
    // Green, or what is not in effect and why (a preset covering some recipients): either way
    // the picture shows the check's answer.
    await page
      .locator('[data-testid="check-green"], .error-panel h3')
      .first()
      .waitFor({ timeout: 30_000 })
    await picture(page, '7-apply-check', true)

    await page.locator('#main').getByRole('button', { name: 'Test delivery' }).click()
    await heading(page, 'Test delivery')
    await page.getByRole('button', { name: /Send ContactMonkey’s test messages/ }).click()
    await page.getByTestId('delivery').waitFor({ timeout: 30_000 })
    await picture(page, '8-test-delivery', true)

    // From the step bar this time: it opens History as the step's own buttons do.
    await page
      .locator('nav.stepper')
      .getByRole('button', { name: /History and undo/ })
      .click()
    await heading(page, /History of contoso/)
    // The test run is in the history, with its vendor, beside the apply and the check.
    const testRow = page.locator('tr[data-kind="test"]').first()
    await testRow.waitFor({ timeout: 30_000 })
    expect(await testRow.textContent()).toContain('ContactMonkey')
    await page.locator('tr[data-kind="apply"]').first().waitFor()
    await picture(page, '9-history', true)
    await page.close()
  }, 120_000)
})

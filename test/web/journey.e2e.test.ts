/// <reference lib="dom" />
/**
 * The mail's path in the wizard, in Chromium: on the plan review, each typical message of
 * ContactMonkey (contoso) is drawn through Defender's stages today and after the plan, as an SVG
 * with a title, a description and a stage-by-stage text alternative, the deciding stage marked,
 * for an ordinary recipient and for one the Standard preset covers (the wizard's one sign-in
 * reads the preset's group members from Exchange); the before/after chart of where messages land
 * per group of recipients (covered and not); one gauge per Microsoft
 * limit; and the text saved as a file. Skipped, with a message, only when Chromium is missing.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import {
  chooseVendor,
  CHROMIUM,
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
    `Skipping the journey browser tests: ${CHROMIUM} is missing (apt-get install -y chromium).`,
  )

const STAGES = [
  'connection-filter',
  'anti-malware',
  'mail-flow-rules',
  'anti-spam',
  'anti-phishing',
  'safe-attachments',
  'safe-links',
  'delivery',
  'zap',
]

/** One drawn journey holds: nine stages in order, one decided (the one named), a text alternative. */
async function checkJourney(figure: Locator): Promise<void> {
  const svg = figure.locator('svg[role="img"]')
  expect(await svg.count()).toBe(1)
  // Its accessible name and description come from <title> and <desc>.
  const labelledBy = (await svg.getAttribute('aria-labelledby')) ?? ''
  expect(labelledBy.split(' ')).toHaveLength(2)
  expect(await svg.locator('title').textContent()).toMatch(/: (Inbox|Junk Email|quarantine)/)
  expect(await svg.locator('desc').textContent()).toMatch(/Connection filter: \w+;.*Zero-hour/)
  const nodes = svg.locator('g[data-stage]')
  expect(await nodes.evaluateAll((n) => n.map((e) => e.getAttribute('data-stage')))).toEqual(STAGES)
  const decided = svg.locator('g[data-status="decided"]')
  expect(await decided.count()).toBe(1)
  expect(await decided.getAttribute('data-stage')).toBe(await figure.getAttribute('data-decided'))
  // The text alternative lists every stage, in words.
  await figure.locator('summary', { hasText: 'Stage by stage' }).click()
  const items = figure.getByTestId('journey-stages').locator('li')
  expect(await items.count()).toBe(STAGES.length)
  expect(await figure.getByTestId('journey-stages').textContent()).not.toMatch(
    /\$\{|<id>|undefined/,
  )
}

describe.skipIf(!HAS_CHROMIUM)('the mail’s path in the wizard (passage serve --sandbox)', () => {
  let served: Served
  let b: Browsing

  beforeAll(async () => {
    ;[served, b] = await Promise.all([serve(), launch()])
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
  })

  async function open(): Promise<Page & { errors: string[] }> {
    const page = (await b.context.newPage()) as Page & { errors: string[] }
    page.errors = []
    page.on('pageerror', (e) => page.errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') page.errors.push(m.text())
    })
    await page.goto(served.url)
    await expect.poll(() => page.url()).not.toContain('token=')
    return page
  }

  const heading = (page: Page, name: string | RegExp) =>
    page.getByRole('heading', { level: 2, name }).waitFor({ timeout: 30_000 })

  it('draws each copy’s path today and after the plan, the landing chart and the limit gauges', async () => {
    const page = await open()
    await chooseVendor(page, 'contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' })
    await signIn(page, b.context, 'contoso.onmicrosoft.com', 'exchange@contoso.onmicrosoft.com')
    await heading(page, 'What your tenant has today')
    await page.getByRole('button', { name: 'Choose protections' }).click()
    await heading(page, /Which protections should let ContactMonkey through/)
    await page.locator('[data-protection="anti-spam"] input[type=checkbox]').waitFor()
    await page.getByRole('button', { name: 'Review the changes' }).click()
    await heading(page, /Review: \d+ changes? for ContactMonkey/)

    // One gauge per Microsoft limit, in place of a list of bullets.
    const gauges = page.getByTestId('limit-gauges')
    expect(await gauges.count()).toBe(1)
    await gauges.scrollIntoViewIfNeeded()
    await shot(page, 'journey-contactmonkey-limits')
    {
      const names = await gauges
        .locator('li')
        .evaluateAll((n) => n.map((e) => e.getAttribute('data-limit')))
      expect(new Set(names).size).toBe(names.length)
      for (const label of await gauges
        .locator('svg[role="img"]')
        .evaluateAll((n) => n.map((e) => e.getAttribute('aria-label'))))
        expect(label).toMatch(/: \d+ → \d+ of \d+$/)
    }

    await page.getByRole('tab', { name: 'What happens to the mail' }).click()
    await page.getByTestId('journey').first().waitFor({ timeout: 30_000 })
    await shot(page, 'journey-contactmonkey-paths')

    // Today and after the plan, for every recipient drawn.
    const before = page.locator('[data-testid="journey"][data-when="before"]')
    const after = page.locator('[data-testid="journey"][data-when="after"]')
    expect(await before.count()).toBeGreaterThan(0)
    expect(await after.count()).toBe(await before.count())
    const recipients = await before.evaluateAll((n) =>
      n.map((e) => e.getAttribute('data-recipient')),
    )

    // The ordinary recipient (no preset covers them): the plan takes the copy to the Inbox.
    const headings = page.locator('.journey-pair h4')
    const texts = await headings.allTextContents()
    const ordinaryIndex = texts.findIndex((t) => !t.includes('covered by'))
    expect(ordinaryIndex).toBeGreaterThanOrEqual(0)
    const ordinary = page.locator('.journey-pair').nth(ordinaryIndex)
    await checkJourney(ordinary.locator('[data-when="before"]'))
    await checkJourney(ordinary.locator('[data-when="after"]'))
    expect(await ordinary.locator('[data-when="after"]').getAttribute('data-placement')).toBe(
      'inbox',
    )

    // The preset-covered recipient: the wizard's one sign-in reads the members of the group the
    // Standard preset covers from Exchange (Get-DistributionGroupMember), so a finance member is
    // drawn too, named as covered, with their own path today and after the plan.
    const coveredIndex = texts.findIndex((t) => t.includes('covered by'))
    expect(coveredIndex, `${recipients.join(', ')} / ${texts.join(' | ')}`).toBeGreaterThanOrEqual(
      0,
    )
    expect(texts[coveredIndex]).toMatch(
      /to (lidia\.holloway|megan\.bowen|nestor\.wilke)@contoso\.com \(covered by Standard Preset Security Policy\)$/,
    )
    const covered = page.locator('.journey-pair').nth(coveredIndex)
    await checkJourney(covered.locator('[data-when="before"]'))
    await checkJourney(covered.locator('[data-when="after"]'))
    // The mail flow rule the plan adds runs before any preset's anti-spam verdict: the covered
    // copy, in Junk Email today, lands in the Inbox after the plan, decided by that rule.
    const coveredAfter = covered.locator('[data-when="after"]')
    expect(await covered.locator('[data-when="before"]').getAttribute('data-placement')).toBe(
      'junk',
    )
    expect(await coveredAfter.getAttribute('data-placement')).toBe('inbox')
    expect(await coveredAfter.getAttribute('data-decided')).toBe('mail-flow-rules')
    // Two different people: one in the finance group, one not.
    expect(texts[coveredIndex]).not.toBe(texts[ordinaryIndex])

    // Where messages land, per group of recipients, before and after: an image with a table.
    const chart = page.getByTestId('landing-chart')
    expect(await chart.locator('svg[role="img"] title').textContent()).toMatch(/today and after/)
    // One row per group of recipients: those the Standard preset covers, and everyone else.
    const rows = chart.locator('table.sr-only tbody tr')
    expect(await rows.count()).toBe(2)
    const table = (await chart.locator('table.sr-only').textContent()) ?? ''
    expect(table).toContain('Covered by Standard Preset Security Policy')
    expect(table).toContain('Not covered by a preset policy')
    expect(table).toContain('Inbox')

    // The whole path, saved as text.
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save the mail’s path as text' }).click(),
    ])
    expect(dl.suggestedFilename()).toBe('passage-mail-path.txt')
    const text = readFileSync((await dl.path())!, 'utf8')
    expect(text).toMatch(/▶ Mail flow rules\s+decided/)
    expect(text).toContain('after the plan: Inbox')
    await shot(page, 'journey-contactmonkey-paths-open')
    expect(page.errors).toEqual([])
    await page.close()
  }, 120_000)
})

/**
 * What the wizard's browser tests share: `passage serve --sandbox` as a child process (its one
 * printed URL parsed), Debian's Chromium through playwright-core, the sandbox's device-login
 * approval in a second page, and screenshots under artifacts/screenshots/.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { cliEnv } from '../helpers/cli-env.js'

export const CHROMIUM = process.env.PASSAGE_CHROMIUM ?? '/usr/bin/chromium'
export const HAS_CHROMIUM = existsSync(CHROMIUM)
export const ROOT = new URL('../../', import.meta.url).pathname
export const SHOTS = join(ROOT, 'artifacts', 'screenshots')

export interface Served {
  url: string
  base: string
  child: ChildProcess
  stop(): Promise<void>
}

/** Starts `node dist/cli/main.js serve --sandbox --port 0` and waits for its URL. */
export async function serve(): Promise<Served> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'serve', '--sandbox', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cliEnv({ PASSAGE_DB: '' }),
  })
  // However the test run ends, the server does not outlive it.
  const kill = () => child.kill('SIGTERM')
  process.once('exit', kill)
  let out = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL printed in 30 s:\n${out}\n${err}`)),
      30_000,
    )
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /(https?:\/\/\S+#token=[A-Za-z0-9_-]+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.on('exit', (c) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${c}:\n${out}\n${err}`))
    })
  })
  return {
    url,
    base: url.split('/#')[0]!,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => {
          process.off('exit', kill)
          resolve()
        })
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      }),
  }
}

export interface Browsing {
  context: BrowserContext
  close(): Promise<void>
}

/** Launches headless Chromium with a fresh profile; the sandbox's own CA is accepted. */
export async function launch(viewport = { width: 1280, height: 900 }): Promise<Browsing> {
  const profile = mkdtempSync(join(tmpdir(), 'passage-chromium-'))
  // A fresh --user-data-dir (playwright passes it for a persistent context).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Saves a full-page screenshot as artifacts/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

/** Step 1: picks a vendor, fills its parameters and continues. */
export async function chooseVendor(
  page: Page,
  id: string,
  params: Record<string, string> = {},
  name?: string,
): Promise<void> {
  await page.getByRole('heading', { name: 'Which service do you want to let through?' }).waitFor()
  if (name) await page.getByLabel('Search the catalog').fill(name)
  await page.locator(`[data-vendor="${id}"]`).click()
  for (const [key, value] of Object.entries(params)) {
    const field = page.locator(`#param-${key}`)
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value)
    else await field.fill(value)
  }
  await page.getByRole('button', { name: 'Continue to sign-in' }).click()
}

/**
 * Step 2: generates the device code, opens the sign-in page from the wizard (a new tab) and
 * approves it there as `upn`; the wizard moves on by itself.
 */
export async function signIn(
  page: Page,
  context: BrowserContext,
  tenant: string,
  upn: string,
  screenshot?: string,
): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in to your Microsoft 365 tenant' }).waitFor()
  await page.getByLabel('Sandbox tenant').selectOption(tenant)
  await page.getByRole('button', { name: /Sign in with a code|Get a new sign-in code/ }).click()
  const code = (await page.getByTestId('device-code').textContent())?.trim() ?? ''
  if (screenshot) await shot(page, screenshot)
  const [login] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('button', { name: 'Open the sign-in page' }).click(),
  ])
  await login.waitForLoadState()
  await login.locator('#otc').fill(code)
  await login.getByRole('button', { name: 'Next' }).click()
  await login.locator(`button[name="upn"][value="${upn}"]`).click()
  await login.getByRole('button', { name: 'Continue' }).click()
  await login.getByText('You may now close this window').waitFor()
  await login.close()
}

/** Step 6: Apply asks first (like Undo); confirms in its dialog. */
export async function confirmApply(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  await dialog.getByRole('button', { name: /^Yes, apply \d+ changes?$/ }).click()
}

/** Waits for a step's level-2 heading (the wizard's steps are announced by it). */
export function heading(page: Page, name: string | RegExp): Promise<void> {
  return page.getByRole('heading', { level: 2, name }).waitFor({ timeout: 30_000 })
}

/**
 * Steps 1 to 4 for ContactMonkey on contoso (region us, a dedicated IP), signed in as the
 * Exchange admin: from the start page to the Protections step, where the caller goes on.
 */
export async function contactMonkeyToProtections(
  page: Page,
  b: Browsing,
  url: string,
): Promise<void> {
  await page.goto(url)
  await chooseVendor(page, 'contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' })
  await signIn(page, b.context, 'contoso.onmicrosoft.com', 'exchange@contoso.onmicrosoft.com')
  await heading(page, 'What your tenant has today')
  await page.getByRole('button', { name: 'Choose protections' }).click()
  await heading(page, /Which protections should let ContactMonkey through/)
}

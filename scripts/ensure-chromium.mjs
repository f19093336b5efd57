// Makes sure Debian's Chromium is at /usr/bin/chromium for the web wizard's browser tests: when it
// is missing and we are root with apt-get, installs it quietly; otherwise says how to install it
// (the browser tests then skip with a message). Never fails the test run by itself.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CHROMIUM = process.env.PASSAGE_CHROMIUM ?? '/usr/bin/chromium'

if (existsSync(CHROMIUM)) process.exit(0)
const root = typeof process.getuid === 'function' && process.getuid() === 0
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
if (root && hasApt) {
  console.error(
    `ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium (apt-get)...`,
  )
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env }
  let r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], quiet)
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], quiet)
    r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], quiet)
  }
  if (r.status === 0 && existsSync(CHROMIUM)) {
    console.error('ensure-chromium: chromium installed.')
    process.exit(0)
  }
  console.error('ensure-chromium: installing chromium failed; the browser tests will be skipped.')
} else {
  console.error(
    `ensure-chromium: ${CHROMIUM} is missing, so the web wizard's browser tests will be skipped.\n` +
      '  Install it with: sudo apt-get install -y chromium   (Debian/Ubuntu)\n' +
      '  or point PASSAGE_CHROMIUM at a Chromium or Chrome binary.',
  )
}

/**
 * The admin's side of a device-code sign-in on the sandbox's own /devicelogin pages (enter the
 * code, pick the account, continue), by plain HTTPS form posts. Only for the sandbox: it is how
 * the demo shows the whole flow without a person at the keyboard.
 */
import { PassageError } from '../core/errors/index.js'
import { createHttpClient } from '../exchange/index.js'

/** Approves `userCode` as `upn` on the sandbox at `url` (trusting its CA). */
export async function approveOnSandbox(
  url: string,
  caPem: string,
  userCode: string,
  upn: string,
): Promise<void> {
  const http = createHttpClient({ ca: caPem })
  const form = (path: string, fields: Record<string, string>) =>
    http.request({
      method: 'POST',
      url: `${url}${path}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
  const fail = (what: string) =>
    new PassageError('PASSAGE_E_SIGNIN', `The sandbox's sign-in page refused ${what}.`)
  try {
    const picker = await form('/devicelogin/code', { otc: userCode })
    const flow = /name="flow" value="([^"]+)"/.exec(picker.text)?.[1]
    if (!flow) throw fail('the code')
    if ((await form('/devicelogin/account', { flow, upn })).status !== 200)
      throw fail('the account')
    if ((await form('/devicelogin/confirm', { flow, decision: 'continue' })).status !== 200)
      throw fail('the approval')
  } finally {
    http.close()
  }
}

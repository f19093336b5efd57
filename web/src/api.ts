// The wizard's API client. The access token arrives once in the URL fragment (#token=...); it is
// kept in sessionStorage for this tab only, removed from the address bar, and sent in a header
// on every call (never as a cookie).
import type { ApiErrorBody } from './types'

const KEY = 'passage.token'
let token: string | null = null

/** Takes the token from the address (first load) or this tab's storage. */
export function initToken(): boolean {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash)
  if (m?.[1]) {
    token = m[1]
    try {
      sessionStorage.setItem(KEY, token)
    } catch {
      // Storage may be disabled: the token stays in memory.
    }
    history.replaceState(null, '', window.location.pathname + window.location.search)
  } else {
    try {
      token = sessionStorage.getItem(KEY)
    } catch {
      token = null
    }
  }
  return token !== null
}

/** An API refusal, with the catalogue's title, message and hint. */
export class ApiFailure extends Error {
  readonly error: ApiErrorBody
  readonly status: number
  constructor(error: ApiErrorBody, status: number) {
    super(error.message)
    this.error = error
    this.status = status
  }
}

function failure(status: number, body: unknown): ApiFailure {
  const e = (body as { error?: ApiErrorBody } | null)?.error
  return new ApiFailure(
    e ?? {
      code: 'PASSAGE_E_INTERNAL',
      title: 'Unexpected answer',
      message: `The server answered ${status}.`,
      hint: 'Try again; restart `passage serve` if it persists.',
    },
    status,
  )
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      credentials: 'omit',
      cache: 'no-store',
    })
  } catch {
    throw new ApiFailure(
      {
        code: 'PASSAGE_E_NETWORK',
        title: 'The wizard’s server is not reachable',
        message: 'The request did not reach `passage serve`.',
        hint: 'Check that `passage serve` is still running, then try again.',
      },
      0,
    )
  }
  if (!res.ok) {
    let parsed: unknown = null
    try {
      parsed = await res.json()
    } catch {
      parsed = null
    }
    throw failure(res.status, parsed)
  }
  return res
}

/** Calls the API and returns its JSON answer. */
export async function api<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await request(method, path, body)
  return (await res.json()) as T
}

/** Saves text as a file (the browser's download). */
export function saveText(filename: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Downloads an API answer as a file. */
export async function download(path: string, body: unknown, fallbackName: string): Promise<void> {
  const res = await request('POST', path, body)
  const cd = res.headers.get('content-disposition') ?? ''
  const name = /filename="([^"]+)"/.exec(cd)?.[1] ?? fallbackName
  saveText(name, await res.text())
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

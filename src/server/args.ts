/** The server's command line: `[--sandbox] [--fleet] [--port N] [--host H --tls-cert F --tls-key F] [--db D | --database D] [--json]`. */
import { isIP } from 'node:net'
import { PassageError } from '../core/errors/index.js'

export interface ServeArgs {
  sandbox: boolean
  /** Serve the fleet dashboard (/api/fleet) over the fleet's database too. */
  fleet: boolean
  port: number
  host: string
  tlsCert: string | null
  tlsKey: string | null
  db: string | null
  log: boolean
  /** Print the address (and any error) as one JSON object on standard output. */
  json: boolean
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** True for a loopback host name or address. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return LOOPBACK.has(h) || (isIP(h) === 4 && h.startsWith('127.'))
}

/** Parses the arguments; refuses a non-loopback host without TLS. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const out: ServeArgs = {
    sandbox: false,
    fleet: false,
    port: 0,
    host: '127.0.0.1',
    tlsCert: null,
    tlsKey: null,
    db: null,
    log: false,
    json: false,
  }
  let hostGiven = false
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? ''
    const [flag, inline] =
      raw.startsWith('--') && raw.includes('=') ? raw.split(/=(.*)/s) : [raw, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '')
        throw new PassageError('PASSAGE_E_INPUT', `${flag} needs a value.`)
      return v
    }
    switch (flag) {
      case '--sandbox':
        out.sandbox = true
        break
      case '--json':
        out.json = true
        break
      case '--fleet':
        out.fleet = true
        break
      case '--log':
        out.log = true
        break
      case '--port': {
        const v = value()
        const n = Number(v)
        if (!/^\d+$/.test(v) || n > 65535)
          throw new PassageError('PASSAGE_E_INPUT', `--port takes 0 to 65535, got '${v}'.`)
        out.port = n
        break
      }
      case '--host':
        out.host = value()
        hostGiven = true
        break
      case '--tls-cert':
        out.tlsCert = value()
        break
      case '--tls-key':
        out.tlsKey = value()
        break
      case '--db':
      case '--database':
        out.db = value()
        break
      default:
        throw new PassageError('PASSAGE_E_INPUT', `Unknown option '${raw}'.`, {
          hint: 'passage serve [--sandbox] [--fleet] [--port N] [--host H --tls-cert F --tls-key F] [--db D] [--json]',
        })
    }
  }
  if ((out.tlsCert === null) !== (out.tlsKey === null))
    throw new PassageError('PASSAGE_E_INPUT', '--tls-cert and --tls-key go together.')
  if (!isLoopback(out.host) && !(hostGiven && out.tlsCert && out.tlsKey))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `Refusing to listen on ${out.host} without TLS: the wizard holds admin sessions.`,
      { hint: 'Give --tls-cert and --tls-key with --host, or keep the default 127.0.0.1.' },
    )
  return out
}

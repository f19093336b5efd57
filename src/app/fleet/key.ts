/**
 * The private key of the fleet's app certificate, for workers and enrolment. It is read from the
 * command's --key file, else PASSAGE_FLEET_KEY_FILE (a path), else PASSAGE_FLEET_KEY (the PEM
 * text), and kept in memory only: never in the store, job data or logs (design.md, issue 15).
 */
import { PassageError } from '../../core/errors/index.js'
import { readText } from '../files.js'

/** A PEM private key block (PKCS#8, PKCS#1 or encrypted PKCS#8). */
const PEM_KEY =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/

/** The largest key file read (an RSA 4096 key is about 3.3 KB). */
const MAX_KEY_CHARS = 64 * 1024

/**
 * The key for workers: --key file, else PASSAGE_FLEET_KEY_FILE, else PASSAGE_FLEET_KEY;
 * PassageError PASSAGE_E_FLEET_KEY when none is given or what is given holds no PEM private key.
 * Messages name where the key came from, never its content.
 */
export function fleetKey(opts: {
  keyFile?: string
  env: Record<string, string | undefined>
}): string {
  const file = opts.keyFile?.trim() || opts.env.PASSAGE_FLEET_KEY_FILE?.trim()
  const from = opts.keyFile?.trim()
    ? `--key ${file}`
    : file
      ? `PASSAGE_FLEET_KEY_FILE (${file})`
      : 'PASSAGE_FLEET_KEY'
  let text: string | undefined
  if (file) {
    try {
      text = readText(file)
    } catch (e) {
      throw new PassageError(
        'PASSAGE_E_FLEET_KEY',
        `The app's private key cannot be read from ${from}: ${e instanceof Error ? e.message : String(e)}`,
      )
    }
  } else text = opts.env.PASSAGE_FLEET_KEY
  if (!text?.trim())
    throw new PassageError(
      'PASSAGE_E_FLEET_KEY',
      "The fleet app certificate's private key is not given.",
    )
  if (text.length > MAX_KEY_CHARS)
    throw new PassageError(
      'PASSAGE_E_FLEET_KEY',
      `${from} is too large to be a private key (${text.length} characters).`,
    )
  const pem = PEM_KEY.exec(text.replace(/\\n/g, '\n'))?.[0]
  if (!pem)
    throw new PassageError('PASSAGE_E_FLEET_KEY', `${from} holds no PEM private key.`, {
      hint: 'Give the PEM file of the private key that belongs to the certificate registered on the fleet app (-----BEGIN PRIVATE KEY-----).',
    })
  return `${pem}\n`
}

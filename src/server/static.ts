/**
 * Serves the built front end (web/dist) read-only: exact files under the folder, index.html for
 * the root and for extension-less paths, nothing outside the folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { FastifyInstance } from 'fastify'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
}

/** The file under `root` a URL path names, or null (outside the root, missing, or a folder). */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/')
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const base = resolve(root)
  const wanted = decoded === '/' || !extname(decoded) ? '/index.html' : decoded
  const file = resolve(join(base, normalize(wanted)))
  if (file !== base && !file.startsWith(base + sep)) return null
  if (!existsSync(file) || !statSync(file).isFile()) return null
  return file
}

/** Registers GET handlers for the front end's files. */
export function registerStatic(app: FastifyInstance, root: string): void {
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/'
    if (path.startsWith('/api/') || path === '/api') {
      reply.code(404)
      return {
        error: {
          code: 'PASSAGE_E_API_NOT_FOUND',
          title: 'Not found',
          message: `No API route ${path}.`,
          hint: 'Check the address.',
        },
      }
    }
    const file = resolveStatic(root, path)
    if (!file) {
      if (!existsSync(join(root, 'index.html'))) {
        reply.code(503).type('text/plain; charset=utf-8')
        return 'The wizard is not built: run `npm run build` first.'
      }
      reply.code(404).type('text/plain; charset=utf-8')
      return 'Not found'
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    reply.type(type)
    // Hashed assets may be cached; the page itself never (it is where the token lands).
    reply.header(
      'cache-control',
      file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-store',
    )
    return readFileSync(file)
  })
}

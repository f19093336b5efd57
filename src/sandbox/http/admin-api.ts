/**
 * The Exchange Online admin API (reference §1): InvokeCommand with `$select` and paging, `$batch`,
 * and EXOModuleFile, behind bearer authentication, per-tenant throttling and fault injection.
 *
 * - `POST /adminapi/{beta|v1.0}/{tenant}/InvokeCommand[?$select=A,B][&$skiptoken=...]`: body
 *   `{"CmdletInput":{"CmdletName","Parameters"}}`. `Prefer: odata.maxpagesize=N` (1..1000, answered
 *   by `Preference-Applied`) pages the result; `@odata.nextLink` carries an opaque `$skiptoken`
 *   (the offset and a hash of the body), to be POSTed with the same body. Without Prefer, pages
 *   hold 1000 objects.
 * - `POST /adminapi/{beta|v1.0}/{tenant}/$batch`: `{"requests":[{id,method:"POST",url,body,headers}]}`,
 *   at most 10 (11+ is a 400). `url` may be absolute, `/adminapi/...` or relative (`InvokeCommand`)
 *   and must name the batch's tenant. Answers `{"responses":[{id,status,headers,body}]}`. Items run
 *   in order; without `Prefer: odata.continue-on-error` the batch stops after the first failure
 *   (OData JSON batch semantics).
 * - `GET /adminapi/{beta|v1.0}/{tenant}/EXOModuleFile?Version=3.7.1` (header `CommandName: *` or a
 *   comma-separated list of names): `{"@odata.context", "value":[{"Version", "TenantId",
 *   "exportedCmdlets": "Get-AcceptedDomain,Get-TransportRule,...", "cmdlets":[{"name",
 *   "parameters":[...]}]}]}`: what this caller may run, by licence and role. `exportedCmdlets` is
 *   the comma-separated string real clients split (reference §1.2); `cmdlets` adds parameters.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { shapeOutput, shapeOutputJson } from '../engine/shapes/index.js'
import { z } from 'zod'
import type { Caller, CmdletOutcome, SandboxTenant } from '../contracts.js'
import type { ForcedCmdletFault } from '../faults/index.js'
import { THROTTLE_TEXT } from './budget.js'
import { authenticate, EXCHANGE_AUDIENCE, findTenant, type ServerContext } from './context.js'
import { installFaultHooks } from './fault-hooks.js'
import { pacer, serially } from './pace.js'
import {
  applySelect,
  batchResponsesJson,
  callHash,
  cmdletErrorBody,
  decodeSkipToken,
  encodeSkipToken,
  frontEndError,
  type HttpAnswer,
  jsonAnswer,
  parsePrefer,
  parseSelect,
} from './shapes.js'

/** Largest page a client may ask for with `Prefer: odata.maxpagesize` (ExoHelper: max 1000). */
export const MAX_PAGE_SIZE = 1000
/** Requests per `$batch` (CIPP sends 10; the real limit is unconfirmed). */
export const MAX_BATCH = 10

const CmdletInput = z.object({
  CmdletInput: z.object({
    CmdletName: z
      .string({ error: 'CmdletName must be a string' })
      .regex(/^[A-Za-z]+-[A-Za-z0-9]+$/, 'CmdletName must be a cmdlet name (Verb-Noun)'),
    Parameters: z
      .record(z.string(), z.unknown(), { error: 'Parameters must be an object' })
      .nullish(),
  }),
})

const BatchBody = z.object({
  requests: z
    .array(
      z.object({
        id: z.union([z.string().min(1), z.number()]).transform(String),
        method: z.string().default('POST'),
        url: z.string().min(1),
        body: z.unknown().optional(),
        headers: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1, 'the batch has no requests'),
})

const json = { 'content-type': 'application/json; charset=utf-8' }

const badRequest = (message: string): HttpAnswer => ({
  status: 400,
  headers: json,
  body: frontEndError('BadRequest', message),
})

const issueText = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')

/** A forced cmdlet failure from the fault spec, shaped like the engine's outcomes. */
function forcedOutcome(
  f: Exclude<ForcedCmdletFault, { drop: unknown }>,
  cmdlet: string,
  params: Record<string, unknown>,
): Extract<CmdletOutcome, { ok: false }> {
  if ('status' in f)
    return {
      ok: false,
      status: f.status,
      exId: null,
      exceptionType: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
      text: `Sandbox fault: ${cmdlet} failed with HTTP ${f.status}.`,
      code: f.status >= 500 ? 'InternalServerError' : 'BadRequest',
    }
  const notFound = f.exId === 'ExBDDC58' || f.exId === 'Ex6F9304'
  const identity = typeof params.Identity === 'string' ? params.Identity : cmdlet
  return {
    ok: false,
    status: 400,
    exId: f.exId,
    exceptionType: notFound
      ? 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException'
      : 'Microsoft.Exchange.Configuration.Tasks.TaskException',
    text: notFound
      ? `The operation couldn't be performed because object '${identity}' couldn't be found on 'SANDBOX01A001DC01.sandbox.local'.`
      : `Sandbox fault: ${cmdlet} failed (${f.exId}).`,
    code: 'InternalServerError',
  }
}

/** One InvokeCommand call, as a route or a `$batch` item runs it. */
export interface InvokeRequest {
  version: string
  tenantKey: string
  tenant: SandboxTenant
  caller: Caller
  body: unknown
  select: unknown
  skipToken: unknown
  prefer: unknown
}

/**
 * A read's page to be written as JSON text (no `$select`): its objects' text a part at a time
 * (`part(from, to)`: the objects from..to-1, comma-separated, '' for none), then the answer
 * around all of it (`answer(value)`).
 */
interface TextPage {
  count: number
  part(from: number, to: number): string
  answer(value: string): HttpAnswer
}

/** Runs one InvokeCommand request and shapes its answer, all at once. */
export function runInvoke(ctx: ServerContext, r: InvokeRequest): HttpAnswer {
  const started = startInvoke(ctx, r)
  if (!('part' in started)) return started
  return started.answer(started.part(0, started.count))
}

/** Objects of a page written as text between two yields (see pace.ts): a slice's worth. */
const PART = 2

/**
 * Runs one InvokeCommand request as runInvoke does, the same answer byte for byte, but writes a
 * read's page as text a few objects at a time, with `pace()` between (pace.ts): a page of 250
 * mail flow rules does not hold the event loop for the whole of its shaping.
 */
export async function runInvokePaced(
  ctx: ServerContext,
  r: InvokeRequest,
  pace: () => Promise<void>,
): Promise<HttpAnswer> {
  const started = startInvoke(ctx, r)
  if (!('part' in started)) return started
  const parts: string[] = []
  for (let i = 0; i < started.count; i += PART) {
    await pace()
    parts.push(started.part(i, Math.min(i + PART, started.count)))
  }
  return started.answer(parts.join(','))
}

/**
 * Runs the cmdlet of an InvokeCommand request: its whole answer, or for a read answered as text,
 * its page to write (TextPage).
 */
function startInvoke(ctx: ServerContext, r: InvokeRequest): HttpAnswer | TextPage {
  const parsed = CmdletInput.safeParse(r.body)
  if (!parsed.success)
    return badRequest(`The request body is not a valid CmdletInput: ${issueText(parsed.error)}`)
  const cmdlet = parsed.data.CmdletInput.CmdletName
  const params = parsed.data.CmdletInput.Parameters ?? {}
  const base = `${ctx.baseUrl()}/adminapi/${r.version}/${r.tenantKey}`
  const hash = callHash(cmdlet, params)
  let skip = 0
  if (r.skipToken !== undefined) {
    const t = typeof r.skipToken === 'string' ? decodeSkipToken(r.skipToken) : null
    if (!t) return badRequest('The $skiptoken is not valid.')
    if (t.hash !== hash)
      return badRequest('The $skiptoken belongs to another request: POST the same body again.')
    if (ctx.engine.isWrite(cmdlet))
      return badRequest(`${cmdlet} changes state and has no further pages.`)
    skip = t.skip
  }
  const forced = ctx.faults.forCmdlet(cmdlet)
  // A dropped connection: before the cmdlet runs, or once it ran (its answer lost).
  const drop = forced && 'drop' in forced ? forced.drop : null
  if (drop === 'before') return { ...badRequest('dropped'), drop: true }
  let outcome: CmdletOutcome
  if (forced && !('drop' in forced)) outcome = forcedOutcome(forced, cmdlet, params)
  else {
    try {
      // A read without $select is written as text below before anything else runs: its result
      // need not be a copy of the live state (the engine's shareReadResult).
      outcome = ctx.engine.invoke(r.tenant, r.caller, cmdlet, params, ctx.now(), {
        shareReadResult: !ctx.engine.isWrite(cmdlet) && parseSelect(r.select) === null,
      })
    } catch (e) {
      return {
        status: 500,
        headers: json,
        body: frontEndError(
          'InternalServerError',
          `Sandbox engine failure in ${cmdlet}: ${e instanceof Error ? e.message : String(e)}`,
        ),
      }
    }
  }
  if (!outcome.ok)
    return {
      status: outcome.status,
      headers: json,
      body: cmdletErrorBody(outcome, cmdlet),
      ...(drop ? { drop: true as const } : {}),
    }
  if (ctx.engine.isWrite(cmdlet)) ctx.persist()
  const prefer = parsePrefer(r.prefer)
  const headers: Record<string, string> = { ...json }
  let pageSize = MAX_PAGE_SIZE
  if (prefer.maxPageSize !== null) {
    pageSize = Math.min(Math.max(prefer.maxPageSize, 1), MAX_PAGE_SIZE)
    headers['preference-applied'] = `odata.maxpagesize=${pageSize}`
  }
  const select = parseSelect(r.select)
  // Reads answer in the property set real Exchange returns (ms-rule: shape.get-transportrule and
  // the other shape.* rows), never in passage's model shape.
  // Only the page is shaped (shapeOutput maps object for object): a long list's later page
  // does not shape the pages before it again.
  const all = outcome.value
  const slice = all.slice(skip, skip + pageSize)
  const context = `${base}/$metadata#Collection(Exchange.GenericHashTable)`
  let nextLink: string | undefined
  if (skip + pageSize < all.length) {
    const q = new URLSearchParams()
    if (typeof r.select === 'string' && r.select) q.set('$select', r.select)
    q.set('$skiptoken', encodeSkipToken(skip + pageSize, hash))
    nextLink = `${base}/InvokeCommand?${q.toString()}`
  }
  const write = ctx.engine.isWrite(cmdlet)
  const shapeCtx = {
    tenantName: r.tenant.snapshot.tenant.name,
    tenantId: r.tenant.snapshot.tenant.id,
    now: ctx.now(),
  }
  // A read without $select is written as JSON text at once (the same bytes as the object below
  // through JSON.stringify): the 250 mail flow rules of a large tenant are some 2 MB of text,
  // which the sandbox spent its time building as objects only to turn them into text.
  // A cmdlet without a recorded shape passes its objects through: JSON.stringify of the page.
  // Shaping maps object for object, so a part of the page is written as the whole page's text
  // would have that part (and JSON.stringify of an array joins its elements' texts with commas).
  if (!write && !select) {
    const { warnings } = outcome
    return {
      count: slice.length,
      part: (from, to) => {
        if (from >= to) return ''
        const objects = slice.slice(from, to)
        return (
          shapeOutputJson(cmdlet, objects, shapeCtx)?.join(',') ??
          JSON.stringify(objects).slice(1, -1)
        )
      },
      answer: (value) => {
        const json =
          `{"@odata.context":${JSON.stringify(context)},"value":[${value}]` +
          (nextLink === undefined ? '' : `,"@odata.nextLink":${JSON.stringify(nextLink)}`) +
          (warnings.length ? `,"@adminapi.warnings":${JSON.stringify(warnings)}` : '') +
          '}'
        return jsonAnswer(200, headers, json, Boolean(drop))
      },
    }
  }
  const shaped = write ? slice : shapeOutput(cmdlet, slice, shapeCtx)
  const page = shaped.map((o) => applySelect(o, select))
  const body: Record<string, unknown> = { '@odata.context': context, value: page }
  if (nextLink !== undefined) body['@odata.nextLink'] = nextLink
  if (outcome.warnings.length) body['@adminapi.warnings'] = outcome.warnings
  return { status: 200, headers, body, ...(drop ? { drop: true as const } : {}) }
}

/** Sends an answer, or destroys the connection for a dropped one. */
function send(reply: FastifyReply, a: HttpAnswer) {
  if (a.drop) {
    reply.hijack()
    reply.raw.socket?.destroy()
    return reply
  }
  // A body written as JSON text goes as it is (Fastify sends a string under a JSON content type
  // unchanged); any other is serialized by Fastify (JSON.stringify): the same bytes either way.
  return reply
    .code(a.status)
    .headers(a.headers)
    .send(a.json ?? a.body)
}

type TenantParams = { version: string; tenant: string }
type Query = Record<string, unknown>

/** What batchTarget found for one item's URL. */
type BatchTarget = { version: string; tenantKey: string; query: URLSearchParams } | null

/**
 * Resolves `url` of a batch item against the batch's own path. The items of a batch usually
 * share one URL (a client sends `InvokeCommand` with the same `$select` for all): the last one
 * resolved is kept rather than parsed again for each item. (Its query is only read.)
 */
function batchTarget(url: string, base: string): BatchTarget {
  if (lastTarget && lastTarget.url === url && lastTarget.base === base) return lastTarget.target
  const target = resolveBatchTarget(url, base)
  lastTarget = { url, base, target }
  return target
}
let lastTarget: { url: string; base: string; target: BatchTarget } | null = null

function resolveBatchTarget(url: string, base: string): BatchTarget {
  let u: URL
  try {
    u = new URL(url, `${base}/`)
  } catch {
    return null
  }
  const m = /^\/adminapi\/(beta|v1\.0)\/([^/]+)\/InvokeCommand$/i.exec(u.pathname)
  if (!m?.[1] || !m[2]) return null
  return { version: m[1], tenantKey: decodeURIComponent(m[2]), query: u.searchParams }
}

const header = (headers: Record<string, string> | undefined, name: string) =>
  Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1]

/** One item of a `$batch` body, as BatchBody reads it. */
type BatchItem = z.output<typeof BatchBody>['requests'][number]

/** One item's answer in a `$batch`'s answer. */
type BatchResponse = Parameters<typeof batchResponsesJson>[0][number]

/** Runs one item of a `$batch` (its URL resolved against the batch's own) and answers it. */
function runBatchItem(
  ctx: ServerContext,
  item: BatchItem,
  base: string,
  who: { caller: Caller; tenant: SandboxTenant },
  pace: () => Promise<void>,
): HttpAnswer | Promise<HttpAnswer> {
  const target = batchTarget(item.url, base)
  if (item.method.toUpperCase() !== 'POST')
    return {
      status: 405,
      headers: json,
      body: frontEndError('MethodNotAllowed', `${item.method} is not allowed in a batch.`),
    }
  if (!target) return badRequest(`'${item.url}' is not an InvokeCommand URL.`)
  if (findTenant(ctx.world(), target.tenantKey) !== who.tenant)
    return badRequest(`'${item.url}' names another tenant than the batch.`)
  let body = item.body
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown
    } catch {
      body = undefined
    }
  }
  return runInvokePaced(
    ctx,
    {
      version: target.version,
      tenantKey: target.tenantKey,
      tenant: who.tenant,
      caller: who.caller,
      body,
      select: target.query.get('$select') ?? undefined,
      skipToken: target.query.get('$skiptoken') ?? undefined,
      prefer: header(item.headers, 'prefer'),
    },
    pace,
  )
}

/** Registers the admin API routes in their own scope (hooks apply to them only). */
export function registerAdminApi(app: FastifyInstance, ctx: ServerContext): void {
  void app.register(async (api) => {
    // The budget first: a request holds its concurrency slot while the fault hooks delay it,
    // as a slow request holds one at Exchange. (The other order freed the slot during the
    // added latency, so a concurrency test depended on four requests ending their sleep together.)
    installBudgetHook(api, ctx)
    if (ctx.faults.spec.scope === 'adminapi') installFaultHooks(api, ctx)
    api.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500
      void reply
        .code(status)
        .send(frontEndError(status === 500 ? 'InternalServerError' : 'BadRequest', err.message))
    })
    api.setNotFoundHandler((req, reply) => {
      void reply.code(404).send(frontEndError('NotFound', `No resource at ${req.url}.`))
    })

    api.post<{ Params: TenantParams; Querystring: Query }>(
      '/adminapi/:version/:tenant/InvokeCommand',
      async (request, reply) => {
        if (!versionOk(request, reply)) return reply
        const who = await authenticate(
          ctx,
          request,
          reply,
          EXCHANGE_AUDIENCE,
          request.params.tenant,
        )
        if (!who) return reply
        const answer = await serially(ctx)(() =>
          runInvokePaced(
            ctx,
            {
              version: request.params.version,
              tenantKey: request.params.tenant,
              tenant: who.tenant,
              caller: who.caller,
              body: request.body,
              select: request.query.$select,
              skipToken: request.query.$skiptoken,
              prefer: request.headers.prefer,
            },
            pacer(),
          ),
        )
        return send(reply, answer)
      },
    )

    api.post<{ Params: TenantParams }>(
      '/adminapi/:version/:tenant/$batch',
      async (request, reply) => {
        if (!versionOk(request, reply)) return reply
        const who = await authenticate(
          ctx,
          request,
          reply,
          EXCHANGE_AUDIENCE,
          request.params.tenant,
        )
        if (!who) return reply
        const parsed = BatchBody.safeParse(request.body)
        if (!parsed.success)
          return send(reply, badRequest(`The batch body is not valid: ${issueText(parsed.error)}`))
        const items = parsed.data.requests
        if (items.length > MAX_BATCH)
          return send(
            reply,
            badRequest(
              `The batch has ${items.length} requests; at most ${MAX_BATCH} are allowed in one batch.`,
            ),
          )
        const ids = new Set(items.map((i) => i.id))
        if (ids.size !== items.length)
          return send(reply, badRequest('Request ids in a batch must be unique.'))
        const { continueOnError } = parsePrefer(request.headers.prefer)
        const base = `${ctx.baseUrl()}/adminapi/${request.params.version}/${request.params.tenant}`
        // How Exchange runs the items of one `$batch` is not documented: Microsoft is silent on
        // the admin API's `$batch` (reference §1: its limits are unconfirmed too). Its nearest
        // documented relative, Microsoft Graph's JSON batching
        // (learn.microsoft.com/graph/json-batching), runs items without `dependsOn` in any order,
        // possibly side by side, and answers them in any order. The sandbox takes the
        // conservative reading: the items run one after another, in order, each on the state the
        // one before left (so no client can lean on them running together or apart: passage puts
        // only independent writes in one batch), and the batch's latency is charged once, as for
        // any request; the items add only their own running time (the engine's, small since writes
        // are copy-on-write). One `$batch` is one round trip, which is what bench/apply.ts counts
        // in its lower bound; it charges no item a round trip of its own, and the sandbox does not
        // either. The items' work is done while the batch's latency runs, not after it (pace.ts):
        // the batch is one request of the admin API's, run whole before the next one's work, in
        // slices that let the sandbox see the requests that come meanwhile.
        const answer = await serially(ctx)(async () => {
          const pace = pacer()
          const responses: BatchResponse[] = []
          for (const item of items) {
            await pace()
            const a = await runBatchItem(ctx, item, base, who, pace)
            // A dropped item loses the whole batch's answer.
            if (a.drop) return a
            responses.push({ id: item.id, status: a.status, headers: a.headers, answer: a })
            if (a.status >= 400 && !continueOnError) break
          }
          // `{ responses }` as JSON.stringify writes it, the items' bodies already written as
          // text put in as they are (shapes.ts's batchResponsesJson).
          return batchResponsesJson(responses)
        })
        if (typeof answer !== 'string') return send(reply, answer)
        return reply.code(200).headers(json).send(answer)
      },
    )

    api.get<{ Params: TenantParams; Querystring: Query }>(
      '/adminapi/:version/:tenant/EXOModuleFile',
      async (request, reply) => {
        if (!versionOk(request, reply)) return reply
        const who = await authenticate(
          ctx,
          request,
          reply,
          EXCHANGE_AUDIENCE,
          request.params.tenant,
        )
        if (!who) return reply
        if (!who.caller.exchangeApiEnabled)
          return reply
            .code(403)
            .headers(json)
            .send(
              frontEndError(
                'Forbidden',
                `The user ${who.caller.name} isn't allowed to use the Exchange Online admin API: Exchange API access (EXOModuleEnabled) is disabled for this user.`,
              ),
            )
        let cmdlets = ctx.engine.moduleFile(who.tenant, who.caller)
        const wanted = request.headers.commandname
        if (typeof wanted === 'string' && wanted.trim() && wanted.trim() !== '*') {
          const names = new Set(wanted.split(',').map((s) => s.trim().toLowerCase()))
          cmdlets = cmdlets.filter((c) => names.has(c.name.toLowerCase()))
        }
        const version = typeof request.query.Version === 'string' ? request.query.Version : '3.7.1'
        return reply
          .code(200)
          .headers(json)
          .send({
            '@odata.context': `${ctx.baseUrl()}/adminapi/${request.params.version}/${who.tenant.snapshot.tenant.id}/$metadata#EXOModuleFile`,
            value: [
              {
                Version: version,
                TenantId: who.tenant.snapshot.tenant.id,
                exportedCmdlets: cmdlets.map((c) => c.name).join(','),
                cmdlets: cmdlets.map((c) => ({ name: c.name, parameters: c.parameters })),
              },
            ],
          })
      },
    )
  })
}

function versionOk(
  request: FastifyRequest<{ Params: TenantParams }>,
  reply: FastifyReply,
): boolean {
  if (request.params.version === 'beta' || request.params.version === 'v1.0') return true
  void reply
    .code(404)
    .send(frontEndError('NotFound', `Unknown admin API version '${request.params.version}'.`))
  return false
}

/** Per-tenant concurrency and rate budget: 429 with Retry-After when exceeded (§1.8 (6)). */
function installBudgetHook(api: FastifyInstance, ctx: ServerContext): void {
  api.addHook('onRequest', async (request, reply) => {
    const params = request.params as Partial<TenantParams> | undefined
    const key = params?.tenant
    if (!key) return
    const tenant = findTenant(ctx.world(), key)
    // An unknown tenant gets no bucket (authentication refuses it anyway).
    if (!tenant) return
    const a = ctx.budgets.admit(tenant.snapshot.tenant.id)
    void reply.header('rate-limit-remaining', String(a.remaining))
    void reply.header('rate-limit-reset', String(a.resetSeconds))
    if (!a.ok) {
      return reply
        .code(429)
        .header('retry-after', String(a.retryAfter))
        .header('content-type', 'application/json; charset=utf-8')
        .send(frontEndError('TooManyRequests', THROTTLE_TEXT))
    }
    const release = a.release
    reply.raw.once('close', release)
    reply.raw.once('finish', release)
  })
}

/** Error bodies of reference §1.8 and sign-in failures, mapped to the catalogue. */
import { describe, expect, it } from 'vitest'
import { mapExchangeError, mapGraphError, parseExchangeError } from './errors.js'
import { HttpFailure } from './http.js'
import { signInError } from './signin-errors.js'

const cmdletThrew = (exId: string, type: string, text: string) =>
  JSON.stringify({
    error: {
      code: 'InternalServerError',
      message: 'Error executing cmdlet',
      details: [{ code: 'Client', target: '', message: `${exId}|${type}|${text}` }],
      innererror: {
        message: 'inner',
        type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
        stacktrace: '...',
      },
    },
  })

describe('parseExchangeError', () => {
  it('reads details[].message as ExId|Type|text first (shape 1)', () => {
    expect(
      parseExchangeError(
        cmdletThrew(
          'Ex6F9304',
          'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
          "object 'x' couldn't be found | really",
        ),
      ),
    ).toEqual({
      code: 'InternalServerError',
      exId: 'Ex6F9304',
      exceptionType: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
      message: "object 'x' couldn't be found | really",
    })
  })

  it('then innererror.internalException, then innererror, then error.message (shape 2)', () => {
    const internal = JSON.stringify({
      error: {
        code: 'BadRequest',
        message: 'outer',
        innererror: {
          message: 'inner',
          type: 'T1',
          internalException: { message: 'deepest', type: 'T2' },
        },
      },
    })
    expect(parseExchangeError(internal)).toMatchObject({ message: 'deepest', exceptionType: 'T2' })
    const inner = JSON.stringify({
      error: { code: 'X', message: 'outer', innererror: { message: 'inner', type: 'T1' } },
    })
    expect(parseExchangeError(inner)).toMatchObject({ message: 'inner', exceptionType: 'T1' })
    expect(
      parseExchangeError(JSON.stringify({ error: { code: 'X', message: 'outer' } })),
    ).toMatchObject({
      message: 'outer',
      code: 'X',
    })
  })

  it('keeps a plain-text body as the message', () => {
    expect(parseExchangeError('Service Unavailable')).toMatchObject({
      message: 'Service Unavailable',
      code: null,
    })
  })
})

const fail = (status: number, text: string, cmdlet = 'Set-HostedConnectionFilterPolicy') =>
  mapExchangeError({ status, text, headers: {}, cmdlet })

describe('mapExchangeError', () => {
  it('maps the 401 RBAC denial to a missing role, naming the cmdlet and the roles (shape 3)', () => {
    const e = fail(
      401,
      JSON.stringify({
        error: {
          code: 'Unauthorized',
          message: 'User is not allowed to call Set-HostedConnectionFilterPolicy',
        },
      }),
    )
    expect(e.code).toBe('PASSAGE_E_EXO_ROLE_MISSING')
    expect(e.kind).toBe('remote')
    expect(e.message).toContain('Set-HostedConnectionFilterPolicy')
    expect(e.message).toContain(
      'Exchange Administrator or Security Administrator for security policy cmdlets',
    )
    expect(e.details).toMatchObject({
      status: 401,
      exchangeMessage: 'User is not allowed to call Set-HostedConnectionFilterPolicy',
    })
  })

  it('names Exchange Administrator for transport rules and both roles for advanced delivery', () => {
    const deny = (c: string) =>
      fail(401, JSON.stringify({ error: { message: `User is not allowed to call ${c}` } }), c)
    expect(deny('New-TransportRule').message).toContain('needs Exchange Administrator.')
    expect(deny('New-ExoPhishSimOverrideRule').message).toContain(
      'Security Administrator together with Exchange Administrator',
    )
  })

  it('maps a disabled API to PASSAGE_E_EXO_API_DISABLED', () => {
    const e = fail(
      403,
      JSON.stringify({
        error: {
          code: 'Forbidden',
          message:
            "The user admin@x isn't allowed to use the Exchange Online admin API: Exchange API access (EXOModuleEnabled) is disabled for this user.",
        },
      }),
    )
    expect(e.code).toBe('PASSAGE_E_EXO_API_DISABLED')
  })

  it('maps an unrecognised Safe Links cmdlet to a missing licence', () => {
    const text = JSON.stringify({
      error: {
        code: 'BadRequest',
        message:
          "The term 'Get-SafeLinksPolicy' is not recognized as the name of a cmdlet, function, script file, or operable program.",
        innererror: { message: 'x', type: 'System.Management.Automation.CommandNotFoundException' },
      },
    })
    expect(fail(400, text, 'Get-SafeLinksPolicy').code).toBe('PASSAGE_E_LICENCE_MISSING')
    expect(fail(400, text, 'Get-TransportRule').code).toBe('PASSAGE_E_EXO_FAILED')
  })

  it('maps not-found ids and types, keeping Exchange’s text', () => {
    const e = fail(
      400,
      cmdletThrew(
        'ExBDDC58',
        'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
        "The operation couldn't be performed because object 'P' couldn't be found on 'DC'.",
      ),
      'Get-HostedContentFilterPolicy',
    )
    expect(e.code).toBe('PASSAGE_E_EXO_NOT_FOUND')
    expect(e.details).toMatchObject({
      exId: 'ExBDDC58',
      exchangeMessage: expect.stringContaining("object 'P'"),
    })
  })

  it('maps parameter and data validation failures to PASSAGE_E_EXO_VALIDATION', () => {
    const e = fail(
      400,
      cmdletThrew(
        'Ex9A1B2C',
        'Microsoft.Exchange.Data.DataValidationException',
        'The length of the property is too long.',
      ),
    )
    expect(e.code).toBe('PASSAGE_E_EXO_VALIDATION')
    expect(e.message).toContain('The length of the property is too long.')
  })

  it('maps throttling, token refusal and server failures', () => {
    expect(fail(429, '{}').code).toBe('PASSAGE_E_THROTTLED')
    expect(
      fail(
        500,
        'You have reached the maximum number of concurrent requests per tenant. Please wait and try again',
      ).code,
    ).toBe('PASSAGE_E_THROTTLED')
    expect(
      fail(
        401,
        JSON.stringify({ error: { code: 'Unauthorized', message: 'Provide valid credential.' } }),
      ).code,
    ).toBe('PASSAGE_E_SIGNIN')
    expect(fail(502, 'Bad Gateway').code).toBe('PASSAGE_E_EXO_FAILED')
  })

  it('keeps x-ms-diagnostics and the request id in details', () => {
    const e = mapExchangeError({
      status: 500,
      text: '{}',
      headers: { 'x-ms-diagnostics': '2000001;reason="x"' },
      cmdlet: 'Get-TransportRule',
      requestId: 'abc',
    })
    expect(e.details).toMatchObject({ diagnostics: '2000001;reason="x"', requestId: 'abc' })
  })
})

describe('mapGraphError', () => {
  it('maps 403, 401, 429 and others', () => {
    const body = JSON.stringify({
      error: {
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      },
    })
    expect(mapGraphError(403, body, 'subscribedSkus').code).toBe('PASSAGE_E_GRAPH_DENIED')
    expect(mapGraphError(401, body, 'x').code).toBe('PASSAGE_E_SIGNIN')
    expect(mapGraphError(429, body, 'x').code).toBe('PASSAGE_E_THROTTLED')
    expect(mapGraphError(500, 'oops', 'x').code).toBe('PASSAGE_E_GRAPH_FAILED')
  })
})

describe('signInError', () => {
  const msal = (errorCode: string, errorMessage: string) =>
    Object.assign(new Error(`${errorCode}: ${errorMessage}`), { errorCode, errorMessage })

  it.each([
    [
      'invalid_grant',
      'AADSTS65001: The user or administrator has not consented to use the application.',
      'consent',
    ],
    [
      'invalid_grant',
      'AADSTS53003: Access has been blocked by Conditional Access policies.',
      'conditional-access',
    ],
    [
      'invalid_request',
      'AADSTS50020: User account from identity provider does not exist in tenant.',
      'wrong-account',
    ],
    ['post_request_failed', 'authorization_declined', 'declined'],
    ['post_request_failed', 'expired_token', 'expired'],
    ['device_code_expired', 'Device code is expired.', 'expired'],
    [
      'invalid_client',
      'AADSTS700027: Client assertion failed signature validation.',
      'app-credentials',
    ],
    ['device_code_polling_cancelled', 'Token request cancelled', 'cancelled'],
  ])('%s %s -> %s', (code, message, reason) => {
    const e = signInError(msal(code, message))
    expect(e.code).toBe('PASSAGE_E_SIGNIN')
    expect(e.details).toMatchObject({ reason })
    expect(e.hint).not.toBe('')
  })

  it('names the AADSTS code and keeps Entra’s first line without trace ids', () => {
    const e = signInError(
      msal('invalid_grant', 'AADSTS65001: not consented. Trace ID: abc Correlation ID: def'),
    )
    expect(e.message).toContain('(AADSTS65001)')
    expect(e.message).not.toContain('Trace ID')
  })

  it('maps a connection failure to PASSAGE_E_NETWORK', () => {
    expect(signInError(new HttpFailure('refused', 'connect', 'ECONNREFUSED', false)).code).toBe(
      'PASSAGE_E_NETWORK',
    )
  })
})

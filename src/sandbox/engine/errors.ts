/**
 * Every error text the sandbox's Exchange engine produces, in one place. Texts follow Exchange
 * Online and PowerShell where they are known (reference §1.8); where the real wording is not
 * documented the text is our own, worded like Exchange's, and marked so below.
 *
 * The HTTP status of a cmdlet that threw is UNCONFIRMED (reference §1.8 (1)); the sandbox answers
 * 400 with the `InternalServerError` code and the `ErrorId|ExceptionType|text` detail shape.
 * Error ids other than Ex6F9304 (not found, seen in real code) are invented but stable: `Ex` and
 * six hex digits of the exception type's hash.
 */
import { contentHash } from '../seed/hash.js'
import type { CmdletOutcome } from '../contracts.js'

type Failure = Extract<CmdletOutcome, { ok: false }>

/** The HTTP status for a cmdlet that threw (UNCONFIRMED, see above). */
export const CMDLET_ERROR_STATUS = 400

const KNOWN_IDS: Record<string, string> = {
  'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException': 'Ex6F9304',
}

/** The error id Exchange would put before the exception type (stable per type). */
export function errorIdOf(exceptionType: string): string {
  return KNOWN_IDS[exceptionType] ?? `Ex${contentHash(exceptionType).slice(0, 6).toUpperCase()}`
}

/** A cmdlet failure, thrown inside cmdlet code and turned into a CmdletOutcome by the engine. */
export class CmdletError extends Error {
  override readonly name = 'CmdletError'
  constructor(
    readonly exceptionType: string,
    readonly text: string,
  ) {
    super(text)
  }

  /** The outcome the HTTP layer turns into §1.8 (1)'s body. */
  toOutcome(): Failure {
    return {
      ok: false,
      status: CMDLET_ERROR_STATUS,
      exId: errorIdOf(this.exceptionType),
      exceptionType: this.exceptionType,
      text: this.text,
      code: 'InternalServerError',
    }
  }
}

const PS = 'System.Management.Automation'
const TASKS = 'Microsoft.Exchange.Configuration.Tasks'

// ---- PowerShell parameter binding (PowerShell's own wording) -------------------------------

/** A parameter the cmdlet does not have. */
export const unknownParameter = (name: string) =>
  new CmdletError(
    `${PS}.ParameterBindingException`,
    `A parameter cannot be found that matches parameter name '${name}'.`,
  )

/** Mandatory parameters not given. */
export const missingMandatory = (names: readonly string[]) =>
  new CmdletError(
    `${PS}.ParameterBindingException`,
    `Cannot process command because of one or more missing mandatory parameters: ${names.join(' ')}.`,
  )

/** A mandatory parameter given as null. */
export const nullArgument = (name: string) =>
  new CmdletError(
    `${PS}.ParameterBindingValidationException`,
    `Cannot bind argument to parameter '${name}' because it is null.`,
  )

/** A mandatory parameter given as an empty string. */
export const emptyArgument = (name: string) =>
  new CmdletError(
    `${PS}.ParameterBindingValidationException`,
    `Cannot bind argument to parameter '${name}' because it is an empty string.`,
  )

/** A value that does not convert to the parameter's type. */
export const cannotConvert = (name: string, value: unknown, typeName: string, detail: string) =>
  new CmdletError(
    `${PS}.ParameterBindingArgumentTransformationException`,
    `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${show(value)}" to type "${typeName}". Error: "${detail}"`,
  )

/** A non-Boolean value for a Boolean parameter (PowerShell's wording). */
export const notBoolean = (name: string, value: unknown) =>
  new CmdletError(
    `${PS}.ParameterBindingArgumentTransformationException`,
    `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${typeof value === 'string' ? 'System.String' : show(value)}" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`,
  )

/** A value that is not one of an enumeration's names. */
export const notInEnum = (
  name: string,
  value: unknown,
  typeName: string,
  values: readonly string[],
) =>
  new CmdletError(
    `${PS}.ParameterBindingException`,
    `Cannot bind parameter '${name}'. Cannot convert value "${show(value)}" to type "${typeName}". Error: "Unable to match the identifier name ${show(value)} to a valid enumerator name. Specify one of the following enumerator names and try again: ${values.join(', ')}"`,
  )

/** ValidateRange: below the minimum. */
export const belowRange = (name: string, value: number, min: number) =>
  new CmdletError(
    `${PS}.ParameterBindingValidationException`,
    `Cannot validate argument on parameter '${name}'. The ${value} argument is less than the minimum allowed range of ${min}. Supply an argument that is greater than or equal to ${min} and then try the command again.`,
  )

/** ValidateRange: above the maximum. */
export const aboveRange = (name: string, value: number, max: number) =>
  new CmdletError(
    `${PS}.ParameterBindingValidationException`,
    `Cannot validate argument on parameter '${name}'. The ${value} argument is greater than the maximum allowed range of ${max}. Supply an argument that is less than or equal to ${max} and then try the command again.`,
  )

/** Parameters from different parameter sets, or none of the required set. */
export const ambiguousParameterSet = () =>
  new CmdletError(
    `${PS}.ParameterBindingException`,
    'Parameter set cannot be resolved using the specified named parameters.',
  )

/** A cmdlet this caller's session does not have (unknown, or not licensed in this tenant). */
export const commandNotFound = (cmdlet: string) =>
  new CmdletError(
    `${PS}.CommandNotFoundException`,
    `The term '${cmdlet}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
  )

// ---- Exchange task errors ------------------------------------------------------------------

/** The domain controller name Exchange names in not-found errors (the sandbox's is fixed). */
export const SANDBOX_DC = 'SBXPR01A001DC01.SBXPR01A001.PROD.OUTLOOK.COM'

/** An identity that resolves to nothing (Exchange's wording, reference §1.8 (1)). */
export const notFound = (identity: string) =>
  new CmdletError(
    `${TASKS}.ManagementObjectNotFoundException`,
    `The operation couldn't be performed because object '${identity}' couldn't be found on '${SANDBOX_DC}'.`,
  )

/** A recipient or group named in a condition that is not in the directory (Exchange's wording). */
export const recipientNotFound = (identity: string) =>
  new CmdletError(
    `${TASKS}.ManagementObjectNotFoundException`,
    `Couldn't find object "${identity}". Please make sure that it was spelled correctly or specify a different object.`,
  )

/** An object of that name exists already. Wording ours (Exchange's varies by cmdlet). */
export const alreadyExists = (kind: string, name: string) =>
  new CmdletError(
    `${TASKS}.ManagementObjectAlreadyExistsException`,
    `The ${kind} '${name}' already exists. Specify a different name.`,
  )

/** A value Exchange's validation refuses (DataValidationException). Wording per call. */
export const invalidValue = (text: string) =>
  new CmdletError('Microsoft.Exchange.Data.DataValidationException', text)

/** An argument the task refuses (ArgumentException). Wording per call. */
export const invalidArgument = (text: string) => new CmdletError('System.ArgumentException', text)

/** An organisation limit reached. Wording ours. */
export const limitReached = (text: string) =>
  new CmdletError(`${TASKS}.ManagementObjectLimitExceededException`, text)

/** A string property over its length limit (Exchange's PropertyTooLong wording). */
export const tooLong = (max: number, actual: number) =>
  invalidValue(
    `The length of the property is too long. The maximum length is ${max} and the length of the value provided is ${actual}.`,
  )

/** An operation Exchange refuses on this object (e.g. the built-in protection policy). */
export const notAllowedOnObject = (text: string) =>
  new CmdletError('System.InvalidOperationException', text)

/** The written state failed the snapshot schema: a sandbox bug or an unmodelled combination. */
export const stateInvalid = (text: string) =>
  new CmdletError(`${TASKS}.TaskException`, `The change can't be saved: ${text}`)

// ---- Authorisation (outcomes, not thrown) --------------------------------------------------

/** RBAC denial: the caller's roles do not include this cmdlet (reference §1.8 (3), seen as 401). */
export function notAllowed(cmdlet: string): Failure {
  return {
    ok: false,
    status: 401,
    exId: null,
    exceptionType: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
    text: `User is not allowed to call ${cmdlet}`,
    code: 'Unauthorized',
  }
}

/**
 * The user's Exchange API access is disabled (Set-User -EXOModuleEnabled $false). The real REST
 * body is UNCONFIRMED (reference §1.8 (5)); this 403 and its text are the sandbox's choice.
 */
export function apiDisabled(upn: string): Failure {
  return {
    ok: false,
    status: 403,
    exId: null,
    exceptionType: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
    text: `The user ${upn} isn't allowed to use the Exchange Online admin API: Exchange API access (EXOModuleEnabled) is disabled for this user.`,
    code: 'Forbidden',
  }
}

/** A fault in the engine itself: never a user mistake. */
export function internalFailure(message: string): Failure {
  return {
    ok: false,
    status: 500,
    exId: null,
    exceptionType: 'System.Exception',
    text: `The sandbox failed to run the cmdlet: ${message}`,
    code: 'InternalServerError',
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return 'System.Object[]'
  if (typeof value === 'object') return 'System.Collections.Hashtable'
  return String(value)
}

/**
 * Get-TransportRule's output object (ms-rule: shape.get-transportrule). Property names and JSON
 * types from CIPP's shape capture of a real tenant (KelvinTegelaar/CIPP Tests/Shapes/
 * ListTransportRules.json); the Conditions/Actions/Exceptions lists as `#Collection(String)` of
 * the rule classes' full .NET names, null when empty, and `@data.type` on Priority/WhenChanged,
 * from the verbatim records in rknightion/graph2otel's transport rule collector tests.
 */
import type { PropSet, PropType, ShapeContext } from './common.js'
import { serialize, serializeJson } from './common.js'

const BOOLS = [
  'ApplyOME',
  'AttachmentHasExecutableContent',
  'AttachmentIsPasswordProtected',
  'AttachmentIsUnsupported',
  'AttachmentProcessingLimitExceeded',
  'DeleteMessage',
  'Disconnect',
  'ExceptIfAttachmentHasExecutableContent',
  'ExceptIfAttachmentIsPasswordProtected',
  'ExceptIfAttachmentIsUnsupported',
  'ExceptIfAttachmentProcessingLimitExceeded',
  'ExceptIfHasNoClassification',
  'ExceptIfHasSenderOverride',
  'HasNoClassification',
  'HasSenderOverride',
  'IsRuleConfigurationSupported',
  'IsValid',
  'ManuallyModified',
  'ModerateMessageByManager',
  'Quarantine',
  'RemoveOME',
  'RemoveOMEv2',
  'RemoveRMSAttachmentEncryption',
  'RouteMessageOutboundRequireTls',
  'StopRuleProcessing',
  'UseLegacyRegex',
]

/** Single-valued properties (null when unset); the rest of the null ones are multi-valued. */
const SCALARS = [
  'ActivationDate',
  'ADComparisonAttribute',
  'ADComparisonOperator',
  'AddManagerAsRecipientType',
  'ApplyClassification',
  'ApplyHtmlDisclaimerFallbackAction',
  'ApplyHtmlDisclaimerLocation',
  'ApplyHtmlDisclaimerText',
  'ApplyRightsProtectionCustomizationTemplate',
  'ApplyRightsProtectionTemplate',
  'AttachmentSizeOver',
  'Comments',
  'ContentMatchesPromptVerdict',
  'DlpPolicy',
  'ExceptIfADComparisonAttribute',
  'ExceptIfADComparisonOperator',
  'ExceptIfAttachmentSizeOver',
  'ExceptIfContentMatchesPromptVerdict',
  'ExceptIfFromScope',
  'ExceptIfHasClassification',
  'ExceptIfManagerForEvaluatedUser',
  'ExceptIfMessageSizeOver',
  'ExceptIfMessageTypeMatches',
  'ExceptIfSCLOver',
  'ExceptIfSenderManagementRelationship',
  'ExceptIfSentToScope',
  'ExceptIfWithImportance',
  'ExpiryDate',
  'FromScope',
  'GenerateIncidentReport',
  'HasClassification',
  'HeaderContainsMessageHeader',
  'HeaderMatchesMessageHeader',
  'ExceptIfHeaderContainsMessageHeader',
  'ExceptIfHeaderMatchesMessageHeader',
  'LogEventText',
  'ManagerForEvaluatedUser',
  'MessageSizeOver',
  'MessageTypeMatches',
  'PrependSubject',
  'RemoveHeader',
  'RouteMessageOutboundConnector',
  'SCLOver',
  'SenderManagementRelationship',
  'SenderNotificationType',
  'SentToScope',
  'SetAuditSeverity',
  'SetHeaderName',
  'SetHeaderValue',
  'SetSCL',
  'SmtpRejectMessageRejectStatusCode',
  'SmtpRejectMessageRejectText',
  'WithImportance',
  'RejectMessageEnhancedStatusCode',
  'RejectMessageReasonText',
  'RecipientAddressType',
  'RuleConfigurationUnsupportedReason',
  'SenderAddressLocation',
]

/** Every property of the capture, in its (alphabetical) order; null-valued ones are lists. */
const NAMES =
  `Actions ActivationDate ADComparisonAttribute ADComparisonOperator AddManagerAsRecipientType
AddToRecipients AnyOfCcHeader AnyOfCcHeaderMemberOf AnyOfRecipientAddressContainsWords
AnyOfRecipientAddressMatchesPatterns AnyOfToCcHeader AnyOfToCcHeaderMemberOf AnyOfToHeader
AnyOfToHeaderMemberOf ApplyClassification ApplyHtmlDisclaimerFallbackAction ApplyHtmlDisclaimerLocation
ApplyHtmlDisclaimerText ApplyOME ApplyRightsProtectionCustomizationTemplate ApplyRightsProtectionTemplate
AttachmentContainsWords AttachmentExtensionMatchesWords AttachmentHasExecutableContent
AttachmentIsPasswordProtected AttachmentIsUnsupported AttachmentMatchesPatterns
AttachmentNameMatchesPatterns AttachmentProcessingLimitExceeded AttachmentPropertyContainsWords
AttachmentSizeOver BetweenMemberOf1 BetweenMemberOf2 BlindCopyTo Comments Conditions
ContentCharacterSetContainsWords ContentMatchesPrompt ContentMatchesPromptVerdict CopyTo CreatedBy
DeleteMessage Description Disconnect DistinguishedName DlpPolicy DlpPolicyId ExceptIfADComparisonAttribute
ExceptIfADComparisonOperator ExceptIfAnyOfCcHeader ExceptIfAnyOfCcHeaderMemberOf
ExceptIfAnyOfRecipientAddressContainsWords ExceptIfAnyOfRecipientAddressMatchesPatterns
ExceptIfAnyOfToCcHeader ExceptIfAnyOfToCcHeaderMemberOf ExceptIfAnyOfToHeader ExceptIfAnyOfToHeaderMemberOf
ExceptIfAttachmentContainsWords ExceptIfAttachmentExtensionMatchesWords ExceptIfAttachmentHasExecutableContent
ExceptIfAttachmentIsPasswordProtected ExceptIfAttachmentIsUnsupported ExceptIfAttachmentMatchesPatterns
ExceptIfAttachmentNameMatchesPatterns ExceptIfAttachmentProcessingLimitExceeded
ExceptIfAttachmentPropertyContainsWords ExceptIfAttachmentSizeOver ExceptIfBetweenMemberOf1
ExceptIfBetweenMemberOf2 ExceptIfContentCharacterSetContainsWords ExceptIfContentMatchesPrompt
ExceptIfContentMatchesPromptVerdict ExceptIfFrom ExceptIfFromAddressContainsWords
ExceptIfFromAddressMatchesPatterns ExceptIfFromMemberOf ExceptIfFromScope ExceptIfHasClassification
ExceptIfHasNoClassification ExceptIfHasSenderOverride ExceptIfHeaderContainsMessageHeader
ExceptIfHeaderContainsWords ExceptIfHeaderMatchesMessageHeader ExceptIfHeaderMatchesPatterns
ExceptIfManagerAddresses ExceptIfManagerForEvaluatedUser ExceptIfMessageContainsAllDataClassifications
ExceptIfMessageContainsDataClassifications ExceptIfMessageSizeOver ExceptIfMessageTypeMatches
ExceptIfRecipientADAttributeContainsWords ExceptIfRecipientADAttributeMatchesPatterns
ExceptIfRecipientAddressContainsWords ExceptIfRecipientAddressMatchesPatterns ExceptIfRecipientDomainIs
ExceptIfRecipientInSenderList ExceptIfSCLOver ExceptIfSenderADAttributeContainsWords
ExceptIfSenderADAttributeMatchesPatterns ExceptIfSenderDomainIs ExceptIfSenderInRecipientList
ExceptIfSenderIpRanges ExceptIfSenderManagementRelationship ExceptIfSentTo ExceptIfSentToMemberOf
ExceptIfSentToScope ExceptIfSubjectContainsWords ExceptIfSubjectMatchesPatterns
ExceptIfSubjectOrBodyContainsWords ExceptIfSubjectOrBodyMatchesPatterns ExceptIfWithImportance Exceptions
ExpiryDate From FromAddressContainsWords FromAddressMatchesPatterns FromMemberOf FromScope
GenerateIncidentReport GenerateNotification Guid HasClassification HasNoClassification HasSenderOverride
HeaderContainsMessageHeader HeaderContainsWords HeaderMatchesMessageHeader HeaderMatchesPatterns Identity
ImmutableId IncidentReportContent IsRuleConfigurationSupported IsValid LastModifiedBy LogEventText
ManagerAddresses ManagerForEvaluatedUser ManuallyModified MessageContainsAllDataClassifications
MessageContainsDataClassifications MessageSizeOver MessageTypeMatches Mode ModerateMessageByManager
ModerateMessageByUser Name OrganizationId PrependSubject Priority Quarantine RecipientADAttributeContainsWords
RecipientADAttributeMatchesPatterns RecipientAddressContainsWords RecipientAddressMatchesPatterns
RecipientAddressType RecipientDomainIs RecipientInSenderList RedirectMessageTo RegexSize
RejectMessageEnhancedStatusCode RejectMessageReasonText RemoveHeader RemoveOME RemoveOMEv2
RemoveRMSAttachmentEncryption RouteMessageOutboundConnector RouteMessageOutboundRequireTls
RuleConfigurationUnsupportedReason RuleErrorAction RuleSubType RuleVersion SCLOver
SenderADAttributeContainsWords SenderADAttributeMatchesPatterns SenderAddressLocation SenderDomainIs
SenderInRecipientList SenderIpRanges SenderManagementRelationship SenderNotificationType SentTo
SentToMemberOf SentToScope SetAuditSeverity SetHeaderName SetHeaderValue SetSCL Size
SmtpRejectMessageRejectStatusCode SmtpRejectMessageRejectText State StopRuleProcessing SubjectContainsWords
SubjectMatchesPatterns SubjectOrBodyContainsWords SubjectOrBodyMatchesPatterns UseLegacyRegex WhenChanged
WithImportance`
    .split(/\s+/)
    .filter(Boolean)

const TYPED: Record<string, PropType> = {
  CreatedBy: 'string',
  Description: 'string',
  DistinguishedName: 'string',
  DlpPolicyId: 'guid',
  Guid: 'guid',
  Identity: 'string',
  ImmutableId: 'guid',
  LastModifiedBy: 'string',
  Mode: 'string',
  Name: 'string',
  OrganizationId: 'string',
  Priority: 'int',
  RegexSize: 'int',
  RuleErrorAction: 'string',
  RuleSubType: 'string',
  RuleVersion: 'string',
  Size: 'int',
  State: 'string',
  WhenChanged: 'datetime',
}

/** Get-TransportRule's properties and their types. */
export const TRANSPORT_RULE_PROPS: PropSet = Object.fromEntries(
  NAMES.map((n): [string, PropType] => [
    n,
    TYPED[n] ?? (BOOLS.includes(n) ? 'bool' : SCALARS.includes(n) ? 'text' : 'list'),
  ]),
)

const NS = 'Microsoft.Exchange.MessagingPolicies.Rules.Tasks.'

/** Rule classes whose name is not the parameter's (the rest are `<Parameter>Predicate/Action`). */
const CLASS_OF: Record<string, string> = {
  HeaderMatchesMessageHeader: 'HeaderMatchesPredicate',
  HeaderMatchesPatterns: 'HeaderMatchesPredicate',
  HeaderContainsMessageHeader: 'HeaderContainsPredicate',
  HeaderContainsWords: 'HeaderContainsPredicate',
  SetSCL: 'SetSclAction',
  SetHeaderName: 'SetHeaderAction',
  SetHeaderValue: 'SetHeaderAction',
  RejectMessageReasonText: 'RejectMessageAction',
  RejectMessageEnhancedStatusCode: 'RejectMessageAction',
  ApplyHtmlDisclaimerText: 'ApplyHtmlDisclaimerAction',
  ApplyHtmlDisclaimerLocation: 'ApplyHtmlDisclaimerAction',
  ApplyHtmlDisclaimerFallbackAction: 'ApplyHtmlDisclaimerAction',
  ApplyRightsProtectionTemplate: 'RightsProtectMessageAction',
  RedirectMessageTo: 'RedirectMessageAction',
  SmtpRejectMessageRejectText: 'SmtpRejectMessageAction',
  SmtpRejectMessageRejectStatusCode: 'SmtpRejectMessageAction',
  GenerateIncidentReport: 'GenerateIncidentReportAction',
  IncidentReportContent: 'GenerateIncidentReportAction',
  SenderNotificationType: 'NotifySenderAction',
}

/** Action parameters of New-TransportRule (the rest that are not ExceptIf* are conditions). */
const ACTIONS = new Set(
  `AddManagerAsRecipientType AddToRecipients ApplyClassification ApplyHtmlDisclaimerFallbackAction
ApplyHtmlDisclaimerLocation ApplyHtmlDisclaimerText ApplyOME ApplyRightsProtectionCustomizationTemplate
ApplyRightsProtectionTemplate BlindCopyTo CopyTo DeleteMessage Disconnect GenerateIncidentReport
GenerateNotification IncidentReportContent LogEventText ModerateMessageByManager ModerateMessageByUser
PrependSubject Quarantine RecipientAddressType RedirectMessageTo RejectMessageEnhancedStatusCode
RejectMessageReasonText RemoveHeader RemoveOME RemoveOMEv2 RemoveRMSAttachmentEncryption
RouteMessageOutboundConnector RouteMessageOutboundRequireTls SenderNotificationType SetAuditSeverity
SetHeaderName SetHeaderValue SetSCL SmtpRejectMessageRejectStatusCode SmtpRejectMessageRejectText
StopRuleProcessing`.split(/\s+/),
)

/** The properties passage's model keeps as conditions, exceptions and actions. */
const MODELLED = [
  'SenderIpRanges',
  'FromScope',
  'SenderDomainIs',
  'From',
  'HeaderMatchesMessageHeader',
  'HeaderContainsMessageHeader',
  'SentTo',
  'SentToMemberOf',
  'RecipientDomainIs',
  'ExceptIfSenderIpRanges',
  'ExceptIfSenderDomainIs',
  'ExceptIfFrom',
  'SetSCL',
  'SetHeaderName',
]

/** New-TransportRule parameters that Get-TransportRule reports under another property name. */
const PROPERTY_OF: Record<string, string> = { NotifySender: 'SenderNotificationType' }

/** A value for a property the sandbox only knows by name (the model keeps no value for it). */
function placeholder(name: string): unknown {
  const type = TRANSPORT_RULE_PROPS[name]
  if (type === 'bool') return true
  const known: Record<string, unknown> = {
    SentToScope: 'NotInOrganization',
    ExceptIfSentToScope: 'InOrganization',
    ApplyHtmlDisclaimerLocation: 'Append',
    ApplyHtmlDisclaimerFallbackAction: 'Wrap',
    RejectMessageEnhancedStatusCode: '5.7.1',
    SetAuditSeverity: 'Medium',
    SenderNotificationType: 'NotifyOnly',
    ApplyRightsProtectionTemplate: 'Encrypt',
  }
  if (name in known) return known[name]
  const text = `${name} (value not kept by the sandbox)`
  return type === 'list' ? [text] : text
}

/** The class names of a rule's conditions, exceptions and actions, as Exchange lists them. */
function ruleClasses(set: string[]): {
  Conditions: string[]
  Exceptions: string[]
  Actions: string[]
} {
  const out = { Conditions: [] as string[], Exceptions: [] as string[], Actions: [] as string[] }
  for (const name of set) {
    const except = name.startsWith('ExceptIf')
    const base = except ? name.slice('ExceptIf'.length) : name
    const action = !except && ACTIONS.has(base)
    const cls = NS + (CLASS_OF[base] ?? `${base}${action ? 'Action' : 'Predicate'}`)
    const list = except ? out.Exceptions : action ? out.Actions : out.Conditions
    if (!list.includes(cls)) list.push(cls)
  }
  return out
}

const isSet = (v: unknown) =>
  v !== undefined && v !== null && v !== false && !(Array.isArray(v) && v.length === 0) && v !== ''

/** One internal rule (passage's model) as Get-TransportRule returns it. */
export function transportRuleShape(
  rule: Record<string, unknown>,
  ctx: ShapeContext,
): Record<string, unknown> {
  const [model, values, computed] = transportRuleLayers(rule, ctx)
  return serialize({ ...model, ...values }, TRANSPORT_RULE_PROPS, { computed })
}

/** `JSON.stringify(transportRuleShape(rule, ctx))`, written as text (serializeJson). */
export function transportRuleJson(rule: Record<string, unknown>, ctx: ShapeContext): string {
  return serializeJson(transportRuleLayers(rule, ctx), TRANSPORT_RULE_PROPS)
}

/**
 * What a rule's output is made of, later layers winning: the model, the values of the properties
 * the sandbox only knows by name, and the values computed for the read.
 */
function transportRuleLayers(
  rule: Record<string, unknown>,
  ctx: ShapeContext,
): [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>] {
  const name = String(rule.Name ?? '')
  const unmodelled = Array.isArray(rule.Unmodelled)
    ? rule.Unmodelled.filter((n): n is string => typeof n === 'string')
        .map((n) => PROPERTY_OF[n] ?? n)
        .filter((n) => n in TRANSPORT_RULE_PROPS)
    : []
  const values: Record<string, unknown> = {}
  for (const n of unmodelled) values[n] = placeholder(n)
  const present = [
    ...MODELLED.filter((n) => isSet(rule[n])),
    ...(rule.StopRuleProcessing === true ? ['StopRuleProcessing'] : []),
    ...unmodelled,
  ]
  const classes = ruleClasses(present)
  const guid = typeof rule.Guid === 'string' ? rule.Guid : null
  return [
    rule,
    values,
    {
      Identity: name,
      Guid: guid,
      ImmutableId: guid,
      DistinguishedName: `CN=${name},CN=TransportVersioned,CN=Rules,CN=Transport Settings,CN=Configuration,OU=${ctx.tenantName},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`,
      OrganizationId: `EURPR01A001.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/${ctx.tenantName} - EURPR01A001.PROD.OUTLOOK.COM/ConfigurationUnits/${ctx.tenantName}/Configuration`,
      DlpPolicyId: '00000000-0000-0000-0000-000000000000',
      CreatedBy: 'Sandbox Admin',
      LastModifiedBy: 'Sandbox Admin',
      Description: '',
      IsValid: true,
      IsRuleConfigurationSupported: true,
      RuleErrorAction: 'Ignore',
      RuleSubType: 'None',
      RuleVersion: '15.0.5.6',
      Mode: rule.Mode ?? 'Enforce',
      State: rule.State ?? 'Enabled',
      SenderAddressLocation: rule.SenderAddressLocation ?? 'Header',
      Size: 0,
      RegexSize: 0,
      WhenChanged: ctx.now.toISOString(),
      ...classes,
    },
  ]
}

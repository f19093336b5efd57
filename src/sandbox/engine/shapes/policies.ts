/**
 * The Get-*Policy output objects of the protection policies, each from CIPP's shape capture of
 * a real tenant (KelvinTegelaar/CIPP Tests/Shapes/*.json) minus the properties CIPP merges in
 * from the policy's rule (RuleName, Priority, State, recipient conditions, rulePrio, ruleState).
 * Values passage's model does not keep get the default Microsoft documents for the cmdlet.
 */
import type { PropSet, PropType, ShapeContext } from './common.js'
import { AD_OBJECT, adObject, serialize, serializeJson } from './common.js'

const props = (spec: Record<string, PropType>): PropSet => ({ ...AD_OBJECT, ...spec })

/** How one policy cmdlet's output is built. */
export interface PolicyShape {
  props: PropSet
  container: string
  objectClass: string
  /** Values for properties passage's model does not keep (Microsoft's defaults). */
  defaults: Record<string, unknown>
  /** Values derived from the model object. */
  derive?: (o: Record<string, unknown>) => Record<string, unknown>
}

/** Get-QuarantinePolicy (ms-rule: shape.get-quarantinepolicy): the permission bits as booleans and text. */
const QUARANTINE: PolicyShape = {
  props: props({
    AdminDisplayName: 'text',
    AllowSender: 'bool',
    BlockSender: 'bool',
    Builtin: 'bool',
    Delete: 'bool',
    Download: 'bool',
    EndUserQuarantinePermissions: 'string',
    ESNEnabled: 'bool',
    IncludeMessagesFromBlockedSenderAddress: 'bool',
    Preview: 'bool',
    QuarantineNotification: 'bool',
    QuarantinePolicyType: 'string',
    QuarantineRetentionDays: 'int',
    Release: 'bool',
    ReleaseActionPreference: 'string',
    RequestRelease: 'bool',
    ViewHeader: 'bool',
  }),
  container: 'QuarantineTags',
  objectClass: 'msExchQuarantineTag',
  defaults: {
    QuarantinePolicyType: 'QuarantinePolicy',
    ReleaseActionPreference: 'Release',
    QuarantineRetentionDays: 30,
  },
  derive(o) {
    const v =
      typeof o.EndUserQuarantinePermissionsValue === 'number'
        ? o.EndUserQuarantinePermissionsValue
        : 0
    const bit = (b: number) => (v & b) !== 0
    const bits = {
      ViewHeader: bit(128),
      Download: bit(64),
      AllowSender: bit(32),
      BlockSender: bit(16),
      RequestRelease: bit(8),
      Release: bit(4),
      Preview: bit(2),
      Delete: bit(1),
    }
    const t = (b: boolean) => (b ? 'True' : 'False')
    // ms-rule: shape.get-quarantinepolicy (the text form live tenants return, bracketed, CRLF)
    const text = `[PermissionToBlockSender: ${t(bits.BlockSender)}\r\nPermissionToDelete: ${t(bits.Delete)}\r\nPermissionToDownload: ${t(bits.Download)}\r\nPermissionToPreview: ${t(bits.Preview)}\r\nPermissionToRelease: ${t(bits.Release)}\r\nPermissionToRequestRelease: ${t(bits.RequestRelease)}\r\nPermissionToViewHeader: ${t(bits.ViewHeader)}\r\nPermissionToAllowSender: ${t(bits.AllowSender)}]`
    const builtin =
      /^(AdminOnlyAccessPolicy|DefaultFullAccessPolicy|DefaultFullAccessWithNotificationPolicy|NotificationEnabledPolicy)$/i.test(
        String(o.Name ?? ''),
      )
    return {
      ...bits,
      EndUserQuarantinePermissions: text,
      Builtin: builtin,
      QuarantineNotification: o.ESNEnabled === true,
      ...(typeof o.QuarantineRetentionDays === 'number' ? {} : { QuarantineRetentionDays: 30 }),
    }
  },
}

/** Get-HostedConnectionFilterPolicy (ms-rule: shape.get-hostedconnectionfilterpolicy). */
const CONNECTION_FILTER: PolicyShape = {
  props: props({
    AdminDisplayName: 'string',
    DirectoryBasedEdgeBlockMode: 'string',
    EnableSafeList: 'bool',
    IPAllowList: 'list',
    IPBlockList: 'list',
    IsDefault: 'bool',
  }),
  container: 'Hosted Connection Filter Policies',
  objectClass: 'msExchHostedConnectionFilterConfig',
  defaults: { DirectoryBasedEdgeBlockMode: 'Default', IsDefault: true },
}

const SPAM_STRINGS =
  `AddXHeaderValue BulkMovesEnabled IncreaseScoreWithBizOrInfoUrls IncreaseScoreWithImageLinks
IncreaseScoreWithNumericIps IncreaseScoreWithRedirectToOtherPort IntraOrgFilterState MarkAsSpamBulkMail
MarkAsSpamEmbedTagsInHtml MarkAsSpamEmptyMessages MarkAsSpamFormTagsInHtml MarkAsSpamFramesInHtml
MarkAsSpamFromAddressAuthFail MarkAsSpamJavaScriptInHtml MarkAsSpamNdrBackscatter MarkAsSpamObjectTagsInHtml
MarkAsSpamSensitiveWordList MarkAsSpamSpfRecordHardFail MarkAsSpamWebBugsInHtml ModifySubjectValue
RecommendedPolicyType TestModeAction BulkQuarantineTag BulkSpamAction HighConfidencePhishAction
HighConfidencePhishQuarantineTag HighConfidenceSpamAction HighConfidenceSpamQuarantineTag PhishQuarantineTag
PhishSpamAction SpamAction SpamQuarantineTag AdminDisplayName`.split(/\s+/)

/** Get-HostedContentFilterPolicy (ms-rule: shape.get-hostedcontentfilterpolicy). */
const CONTENT_FILTER: PolicyShape = {
  props: props({
    ...Object.fromEntries(SPAM_STRINGS.map((n): [string, PropType] => [n, 'string'])),
    AllowedSenderDomains: 'list',
    AllowedSenders: 'list',
    BlockedSenderDomains: 'list',
    BlockedSenders: 'list',
    BulkThreshold: 'int',
    DownloadLink: 'bool',
    EnableLanguageBlockList: 'bool',
    EnableRegionBlockList: 'bool',
    FalsePositiveAdditionalRecipients: 'list',
    InlineSafetyTipsEnabled: 'bool',
    IsDefault: 'bool',
    LanguageBlockList: 'list',
    PhishZapEnabled: 'bool',
    QuarantineRetentionPeriod: 'int',
    RedirectToRecipients: 'list',
    RegionBlockList: 'list',
    SpamZapEnabled: 'bool',
    TestModeBccToRecipients: 'list',
    ZapEnabled: 'bool',
  }),
  container: 'Hosted Content Filter Policies',
  objectClass: 'msExchHostedContentFilterConfig',
  defaults: {
    AddXHeaderValue: '',
    BulkMovesEnabled: 'Off',
    IncreaseScoreWithBizOrInfoUrls: 'Off',
    IncreaseScoreWithImageLinks: 'Off',
    IncreaseScoreWithNumericIps: 'Off',
    IncreaseScoreWithRedirectToOtherPort: 'Off',
    IntraOrgFilterState: 'Default',
    MarkAsSpamEmbedTagsInHtml: 'Off',
    MarkAsSpamEmptyMessages: 'Off',
    MarkAsSpamFormTagsInHtml: 'Off',
    MarkAsSpamFramesInHtml: 'Off',
    MarkAsSpamFromAddressAuthFail: 'Off',
    MarkAsSpamJavaScriptInHtml: 'Off',
    MarkAsSpamNdrBackscatter: 'Off',
    MarkAsSpamObjectTagsInHtml: 'Off',
    MarkAsSpamSensitiveWordList: 'Off',
    MarkAsSpamSpfRecordHardFail: 'Off',
    MarkAsSpamWebBugsInHtml: 'Off',
    ModifySubjectValue: '',
    RecommendedPolicyType: 'Custom',
    TestModeAction: 'None',
    InlineSafetyTipsEnabled: true,
    QuarantineRetentionPeriod: 15,
  },
  derive: (o) => ({ ZapEnabled: o.SpamZapEnabled === true || o.PhishZapEnabled === true }),
}

/** Get-AntiPhishPolicy (ms-rule: shape.get-antiphishpolicy). */
const ANTI_PHISH: PolicyShape = {
  props: props({
    AdminDisplayName: 'string',
    AuthenticationFailAction: 'string',
    DmarcQuarantineAction: 'string',
    DmarcRejectAction: 'string',
    Enabled: 'bool',
    EnableFirstContactSafetyTips: 'bool',
    EnableMailboxIntelligence: 'bool',
    EnableMailboxIntelligenceProtection: 'bool',
    EnableOrganizationDomainsProtection: 'bool',
    EnableSimilarDomainsSafetyTips: 'bool',
    EnableSimilarUsersSafetyTips: 'bool',
    EnableSpoofIntelligence: 'bool',
    EnableSuspiciousSafetyTip: 'bool',
    EnableTargetedDomainsProtection: 'bool',
    EnableTargetedUserProtection: 'bool',
    EnableUnauthenticatedSender: 'bool',
    EnableUnusualCharactersSafetyTips: 'bool',
    EnableViaTag: 'bool',
    ExcludedDomains: 'list',
    ExcludedSenders: 'list',
    ExcludedSubDomains: 'list',
    HonorDmarcPolicy: 'bool',
    ImpersonationProtectionState: 'string',
    IsDefault: 'bool',
    MailboxIntelligenceProtectionAction: 'string',
    MailboxIntelligenceProtectionActionRecipients: 'list',
    MailboxIntelligenceQuarantineTag: 'string',
    PhishThresholdLevel: 'int',
    PolicyTag: 'string',
    RecommendedPolicyType: 'string',
    SpoofQuarantineTag: 'string',
    TargetedDomainActionRecipients: 'list',
    TargetedDomainProtectionAction: 'string',
    TargetedDomainQuarantineTag: 'string',
    TargetedDomainsToProtect: 'list',
    TargetedUserActionRecipients: 'list',
    TargetedUserProtectionAction: 'string',
    TargetedUserQuarantineTag: 'string',
    TargetedUsersToProtect: 'list',
  }),
  container: 'Malware Filter',
  objectClass: 'msExchAntiPhishPolicy',
  defaults: {
    Enabled: true,
    EnableUnauthenticatedSender: true,
    EnableViaTag: true,
    ImpersonationProtectionState: 'Automatic',
    MailboxIntelligenceProtectionAction: 'NoAction',
    MailboxIntelligenceQuarantineTag: 'DefaultFullAccessPolicy',
    PolicyTag: '',
    RecommendedPolicyType: 'Custom',
    TargetedDomainProtectionAction: 'NoAction',
    TargetedDomainQuarantineTag: 'DefaultFullAccessPolicy',
    TargetedUserProtectionAction: 'NoAction',
    TargetedUserQuarantineTag: 'DefaultFullAccessPolicy',
  },
}

/** Get-MalwareFilterPolicy (ms-rule: shape.get-malwarefilterpolicy). */
const MALWARE: PolicyShape = {
  props: props({
    AdminDisplayName: 'string',
    CustomExternalBody: 'string',
    CustomExternalSubject: 'string',
    CustomFromAddress: 'string',
    CustomFromName: 'string',
    CustomInternalBody: 'string',
    CustomInternalSubject: 'string',
    CustomNotifications: 'bool',
    EnableExternalSenderAdminNotifications: 'bool',
    EnableFileFilter: 'bool',
    EnableInternalSenderAdminNotifications: 'bool',
    ExternalSenderAdminAddress: 'string',
    FileTypeAction: 'string',
    FileTypes: 'list',
    InternalSenderAdminAddress: 'string',
    IsDefault: 'bool',
    IsPolicyOverrideApplied: 'bool',
    QuarantineTag: 'string',
    RecommendedPolicyType: 'string',
    ZapEnabled: 'bool',
  }),
  container: 'Malware Filter',
  objectClass: 'msExchMalwareFilterConfig',
  defaults: { RecommendedPolicyType: 'Custom', FileTypeAction: 'NonDefault' },
}

/** Get-SafeAttachmentPolicy (ms-rule: shape.get-safeattachmentpolicy). */
const SAFE_ATTACHMENTS: PolicyShape = {
  props: props({
    Action: 'string',
    AdminDisplayName: 'string',
    Enable: 'bool',
    EnableBlockingEncryptedAttachments: 'bool',
    EnableOrganizationBranding: 'bool',
    ExcludedTypesFromBlockingEncryptedAttachments: 'list',
    IsBuiltInProtection: 'bool',
    IsDefault: 'bool',
    QuarantineTag: 'string',
    QuarantineTagForBlockingEncryptedAttachments: 'string',
    RecommendedPolicyType: 'string',
    Redirect: 'bool',
    RedirectAddress: 'string',
  }),
  container: 'Malware Filter',
  objectClass: 'msExchSafeAttachmentPolicy',
  defaults: {
    RecommendedPolicyType: 'Custom',
    QuarantineTagForBlockingEncryptedAttachments: 'AdminOnlyAccessPolicy',
  },
}

/**
 * Get-SafeLinksPolicy (ms-rule: shape.get-safelinkspolicy): CIPP's capture minus what its list
 * endpoint merges from the rule, plus the directory properties every policy carries.
 */
const SAFE_LINKS: PolicyShape = {
  props: props({
    AdminDisplayName: 'string',
    AllowClickThrough: 'bool',
    CustomNotificationText: 'string',
    DeliverMessageAfterScan: 'bool',
    DisableUrlRewrite: 'bool',
    DoNotRewriteUrls: 'list',
    EnableForInternalSenders: 'bool',
    EnableOrganizationBranding: 'bool',
    EnableSafeLinksForEmail: 'bool',
    EnableSafeLinksForOffice: 'bool',
    EnableSafeLinksForTeams: 'bool',
    IsBuiltInProtection: 'bool',
    ScanUrls: 'bool',
    TrackClicks: 'bool',
  }),
  container: 'Malware Filter',
  objectClass: 'msExchSafeLinksPolicy',
  defaults: {},
}

/** The policy shapes by Get-* cmdlet (lower case). */
export const POLICY_SHAPES: Readonly<Record<string, PolicyShape>> = {
  'get-quarantinepolicy': QUARANTINE,
  'get-hostedconnectionfilterpolicy': CONNECTION_FILTER,
  'get-hostedcontentfilterpolicy': CONTENT_FILTER,
  'get-antiphishpolicy': ANTI_PHISH,
  'get-malwarefilterpolicy': MALWARE,
  'get-safeattachmentpolicy': SAFE_ATTACHMENTS,
  'get-safelinkspolicy': SAFE_LINKS,
}

/** One internal policy as its Get-* cmdlet returns it. */
export function policyShape(
  shape: PolicyShape,
  o: Record<string, unknown>,
  ctx: ShapeContext,
): Record<string, unknown> {
  const [defaults, model, computed] = policyLayers(shape, o, ctx)
  return serialize({ ...defaults, ...model }, shape.props, {
    annotateNullLists: true,
    computed,
  })
}

/** `JSON.stringify(policyShape(shape, o, ctx))`, written as text (serializeJson). */
export function policyJson(
  shape: PolicyShape,
  o: Record<string, unknown>,
  ctx: ShapeContext,
): string {
  return serializeJson(policyLayers(shape, o, ctx), shape.props, { annotateNullLists: true })
}

/** What a policy's output is made of, later layers winning: defaults, the model, computed values. */
function policyLayers(
  shape: PolicyShape,
  o: Record<string, unknown>,
  ctx: ShapeContext,
): [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>] {
  const name = String(o.Name ?? '')
  const model = Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== null),
  )
  return [
    shape.defaults,
    model,
    {
      ...adObject(ctx, name, {
        container: shape.container,
        objectClass: shape.objectClass,
        guid: typeof o.Guid === 'string' ? o.Guid : null,
      }),
      ...(shape.derive?.(o) ?? {}),
      // A time the engine recorded (a co-manager's revert) wins over the read time.
      ...(typeof o.WhenChanged === 'string'
        ? { WhenChanged: o.WhenChanged, WhenChangedUTC: o.WhenChanged }
        : {}),
    },
  ]
}

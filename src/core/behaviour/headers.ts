import type { BehaviourRow, BehaviourSource } from './types.js'

// The pages the header analyzer's rules trace to, as read on 2026-12-06. The stored
// message-headers page is the version dated 2025-07-07 (its 2023-07-05 version is cited where
// it said something the newer one dropped).
const READ = '2026-12-06'
const DOCS = 'MicrosoftDocs/defender-docs:defender-office-365'
const src = (page: string): BehaviourSource => ({ page, read: READ })
const HEADERS = src(`${DOCS}/message-headers-eop-mdo.md`)
const TROUBLESHOOT = src(`${DOCS}/anti-spam-policies-troubleshooting.md`)
const ALLOWLISTS = src(`${DOCS}/create-safe-sender-lists-in-office-365.md`)
const AUTH = src(`${DOCS}/email-authentication-about.md`)
const CAMPAIGNS = src(`${DOCS}/campaigns.md`)
const MHA_RULES = src('microsoft/MHA:src/data/rules.json')

const H = 'src/core/headers'
const TESTS = [`${H}/behaviour.test.ts`]

/** The headers behaviours passage models, each traced to Microsoft (see types.ts). */
export const ROWS: readonly BehaviourRow[] = [
  {
    id: 'hdr.trust.recipient-hop',
    area: 'headers',
    rule: "The recipient's verdict is the X-Forefront-Antispam-Report written at the recipient tenant's inbound EOP hop (the topmost *.protection.outlook.com front end above any outbound exit): the report above that hop, or the only one below it whose CIP is the connecting IP or that tenant markers stand beside; any other report is not the recipient's.",
    sources: [HEADERS],
    code: [`${H}/trust.ts`],
    tests: TESTS,
    disagreement:
      "Microsoft says EOP stamps these headers on incoming mail but documents no rule for telling the recipient's copy from forged or earlier ones; the hop, CIP and tenant-marker rule is passage's own, from observed mail.",
  },
  {
    id: 'hdr.trust.renamed-copy',
    area: 'headers',
    rule: "A renamed copy (X-Forefront-Antispam-Report-Untrusted, X-Microsoft-Antispam-Untrusted, Authentication-Results-Original, ...) is another tenant's stamp kept by the receiver: shown, never used as the recipient's verdict.",
    sources: [HEADERS],
    code: [`${H}/trust.ts`, `${H}/analyze.ts`],
    tests: TESTS,
    disagreement:
      'Microsoft documents the headers only under their own names; the renamed copies are observed in cross-tenant mail, not documented.',
  },
  {
    id: 'hdr.trust.no-microsoft-hop',
    area: 'headers',
    rule: 'A report, an X-MS-Exchange-Organization-* header or a Mailbox-Delivery header with no trustworthy Microsoft hop in the Received chain (none, or not connected to the hops above it) is forged or partial: nothing is concluded from it.',
    sources: [HEADERS],
    code: [`${H}/trust.ts`, `${H}/analyze.ts`],
    tests: TESTS,
    disagreement:
      "Microsoft's header pages are silent on forged copies; the Exchange header firewall (organisation headers stripped from untrusted sources) is the basis, from the Exchange 2013 documentation.",
  },
  {
    id: 'hdr.trust.outbound-only',
    area: 'headers',
    rule: "When the only Microsoft hops are the sender's on the way out (the message left through *.outbound.protection.outlook.com and no Microsoft hop received it afterwards, or the only report is a DIR:OUT scan), direction is outbound, nothing is trusted, no unconfirmed verdict is given and the tenant markers are the sender's. A DIR:INB report or an Internet FromEntityHeader keeps the Microsoft hops below the exit as the recipient's (hybrid delivery to on-premises).",
    sources: [HEADERS],
    code: [`${H}/trust.ts`, `${H}/analyze.ts`, `${H}/received.ts`, `${H}/explain.ts`],
    tests: TESTS,
    disagreement:
      'Microsoft documents DIR:OUT as an outbound message; the outbound front-end host names and the sender-side tenant markers are observed, not documented.',
  },
  {
    id: 'hdr.partial.unconfirmed',
    area: 'headers',
    rule: "A report that can't be tied to the recipient's own Microsoft hop (a pasted block, partial or forged headers) leaves trusted false and verdict unknown; what it would mean if genuine (verdict, category, bypass, SCL, BCL) is given apart as unconfirmed, in the JSON and the text.",
    sources: [HEADERS, TROUBLESHOOT],
    code: [`${H}/analyze.ts`, `${H}/explain.ts`, `${H}/types.ts`],
    tests: TESTS,
  },
  {
    id: 'hdr.sfv.verdicts',
    area: 'headers',
    rule: "SFV is how the spam verdict was reached: NSPM/SPM filtered, SKA anti-spam allowed senders, SKB anti-spam blocked senders, SKN a mail flow rule's SCL -1, SKS a rule or on-premises spam request honoured, SFE the user's Safe Senders, BLK the user's Blocked Senders, SKQ released from quarantine; DMS only in MHA's rules.",
    sources: [HEADERS, TROUBLESHOOT, MHA_RULES],
    code: [`${H}/vocabulary.ts`, `${H}/conclusion.ts`],
    tests: TESTS,
    disagreement:
      "SKS: the troubleshooting page adds that it is stamped only when Secure by default honours the request, and that on-premises Exchange in hybrid can cause it; the header page says a mail flow rule only. SFV:DMS appears in MHA's rules alone and is marked undocumented.",
  },
  {
    id: 'hdr.sfv.ski-two-meanings',
    area: 'headers',
    rule: 'SFV:SKI with IPV:CAL is the IP Allow List; on internal mail (DIR:INT or AuthAs Internal) it is the older intra-organisation skip; otherwise it is read as the IP Allow List but marked inferred.',
    sources: [TROUBLESHOOT, HEADERS, CAMPAIGNS, MHA_RULES],
    code: [`${H}/vocabulary.ts`, `${H}/conclusion.ts`],
    tests: TESTS,
    disagreement:
      "The 2026 troubleshooting page reads SKI as the IP Allow List (confirm with IPV:CAL). The 2023 message-headers page read it as intra-organisation content marking, campaigns.md as skipped for another reason such as same-organisation mail, MHA's rule as mail from inside the tenant; the 2025 message-headers page lists no SKI at all. passage decides by context and says which reading it used.",
  },
  {
    id: 'hdr.ipv-cal.ip-allow-list',
    area: 'headers',
    rule: "IPV:CAL with SFV:SKN or SFV:SKI is the connection filter's IP Allow List skipping spam filtering (bypass ip-allow, in the conclusion, the SFV meaning and the vendor check); IPV:CAL with any other SFV means the list matched but filtering still ran.",
    sources: [ALLOWLISTS, TROUBLESHOOT, HEADERS, MHA_RULES],
    code: [`${H}/conclusion.ts`, `${H}/vendor-check.ts`, `${H}/vocabulary.ts`],
    tests: [...TESTS, `${H}/vendor-check.test.ts`],
    disagreement:
      "Microsoft's pages pair IPV:CAL with different SFV values: create-safe-sender-lists says CAL is stamped alongside SKN (what real mail shows); the 2026 troubleshooting page shows CAL with SKI. Both are read as the IP Allow List and the explanation says the pages differ. A mail flow rule with SCL -1 for a sender whose IP is also allowed would look the same as CAL with SKN.",
  },
  {
    id: 'hdr.cat.categories',
    area: 'headers',
    rule: "CAT is the category of threat policy applied (MALW, AMP, FTBP, SAP, HPHSH/HPHISH, PHSH, HSPM, SPOOF, UIMP, DIMP, GIMP, BIMP, SPM, BULK, OSPM, INTOS; NONE for nothing), read per Microsoft's table.",
    sources: [HEADERS],
    code: [`${H}/vocabulary.ts`, `${H}/conclusion.ts`],
    tests: TESTS,
  },
  {
    id: 'hdr.cat.unoverridable',
    area: 'headers',
    rule: 'Malware (MALW, AMP, FTBP, SAP) and high-confidence phish (HPHSH) are quarantined whatever the allows; only advanced delivery (or a release) puts them in the Inbox.',
    sources: [ALLOWLISTS, TROUBLESHOOT],
    code: [`${H}/vocabulary.ts`, `${H}/conclusion.ts`, `${H}/vendor-check.ts`],
    tests: TESTS,
    disagreement:
      'The troubleshooting page adds an exception: high-confidence phish can be delivered when MX does not point to Microsoft 365 and an SCL -1 rule is in place; the allowlist page states no exception but advanced delivery for SecOps mailboxes.',
  },
  {
    id: 'hdr.scl.level',
    area: 'headers',
    rule: 'SCL comes from the report, else X-MS-Exchange-Organization-SCL; -1 is an instruction to bypass spam filtering (malware and high-confidence phish still enforced); SCL 5 or more predicts Junk only when nothing else decides.',
    sources: [HEADERS, TROUBLESHOOT],
    code: [`${H}/conclusion.ts`, `${H}/vocabulary.ts`],
    tests: TESTS,
    disagreement:
      'The troubleshooting page says cloud organisations classify with message categorisation and other signals, so SCL is a weak signal there; passage reads CAT first.',
  },
  {
    id: 'hdr.bcl.level',
    area: 'headers',
    rule: "BCL comes from the recipient's X-Microsoft-Antispam (never a renamed copy) and is compared with the default, Standard and Strict bulk thresholds.",
    sources: [HEADERS, TROUBLESHOOT],
    code: [`${H}/conclusion.ts`, `${H}/vocabulary.ts`, `${H}/antispam.ts`],
    tests: TESTS,
    disagreement:
      "The header page defines BCL but not the thresholds (7, 6, 5); those come from Microsoft's BCL and recommended-settings pages, not re-read on this date.",
  },
  {
    id: 'hdr.sfty.safety-level',
    area: 'headers',
    rule: 'SFTY 9.19 is domain impersonation, 9.20 user impersonation, 9.25 the first-contact safety tip (a hint, not a verdict); any other value is unknown.',
    sources: [HEADERS],
    code: [`${H}/vocabulary.ts`, `${H}/conclusion.ts`],
    tests: TESTS,
    disagreement:
      '9.11 and 9.22 appear only in older spoofing pages (not re-read on this date); they are kept and labelled older docs.',
  },
  {
    id: 'hdr.dir.direction',
    area: 'headers',
    rule: 'DIR is the direction (INB inbound, OUT outbound, INT internal); without it, X-MS-Exchange-Organization-MessageDirectionality or the cross-tenant FromEntityHeader decide.',
    sources: [HEADERS],
    code: [`${H}/conclusion.ts`, `${H}/vocabulary.ts`],
    tests: TESTS,
    disagreement:
      'The fallbacks (MessageDirectionality, FromEntityHeader) are observed, not documented by Microsoft.',
  },
  {
    id: 'hdr.srv.bulk',
    area: 'headers',
    rule: 'SRV:BULK is bulk mail judged against the BCL threshold, marked as spam when MarkAsSpamBulkMail is On (the default).',
    sources: [HEADERS, TROUBLESHOOT],
    code: [`${H}/conclusion.ts`, `${H}/forefront.ts`],
    tests: TESTS,
  },
  {
    id: 'hdr.customspam.asf',
    area: 'headers',
    rule: 'X-CustomSpam means an Advanced Spam Filter setting fired, whether it appears as a report field or as its own header.',
    sources: [HEADERS, TROUBLESHOOT],
    code: [`${H}/conclusion.ts`, `${H}/analyze.ts`, `${H}/vocabulary.ts`],
    tests: TESTS,
    disagreement:
      'The header page lists X-CustomSpam as a field of the report; the troubleshooting page shows it as a separate header. Both are read.',
  },
  {
    id: 'hdr.arc.field',
    area: 'headers',
    rule: 'The ARC field of the report (AAR, AMS, AS with cv=) is decoded and shown; no conclusion rests on it.',
    sources: [HEADERS],
    code: [`${H}/forefront.ts`],
    tests: TESTS,
  },
  {
    id: 'hdr.compauth.reason-codes',
    area: 'headers',
    rule: "compauth reason codes are read against Microsoft's table (000, 001, 002, 010 and 130 exactly; otherwise 1xx/7xx pass, 2xx softpass, 3xx not checked, 4xx/9xx bypassed, 6xx implicit fail for an accepted domain); any finer reading of a code is marked third-party (or observed) in the data, the text and the JSON (auth.reasonSource).",
    sources: [HEADERS, AUTH, TROUBLESHOOT],
    code: [`${H}/compauth.ts`, `${H}/auth-results.ts`, `${H}/analyze.ts`, `${H}/types.ts`],
    tests: [`${H}/compauth.test.ts`],
    disagreement:
      'Microsoft says the last two digits of 1xx, 2xx, 4xx, 7xx and 9xx are internal codes and documents no 5xx or 8xx. Exact readings of 100-116, 201/202, 501/502, 601, 701-704 and 905 come from community tables; email-authentication-about shows 109 with dmarc=bestguesspass in an example without defining it.',
  },
  {
    id: 'hdr.auth.recipient-results',
    area: 'headers',
    rule: "The authentication summary comes from the recipient's own Authentication-Results (the one with compauth, Microsoft's form), never from a renamed -Original copy.",
    sources: [HEADERS, AUTH],
    code: [`${H}/analyze.ts`, `${H}/auth-results.ts`],
    tests: TESTS,
  },
  {
    id: 'hdr.auth.dmarc-action',
    area: 'headers',
    rule: 'DMARC action oreject predicts Junk (the sender publishes p=reject and Microsoft delivers it as spam); pct.quarantine and pct.reject mean the policy was not applied to this message (pct under 100), so it was delivered anyway and other signals decide.',
    sources: [HEADERS],
    code: [`${H}/conclusion.ts`, `${H}/auth-results.ts`],
    tests: TESTS,
    disagreement:
      "The 2023 message-headers page described oreject (override reject, marked as spam); the 2025 page still lists oreject in the syntax and examples but no longer describes it. Until December 2026 passage predicted quarantine for pct.quarantine and rejection for pct.reject, the opposite of the page; it now follows the page. The troubleshooting page's example shows action=quarantine, a value the header page does not list (that page is marked AI-assisted).",
  },
  {
    id: 'hdr.auth.compauth-fail-not-blocking',
    area: 'headers',
    rule: 'compauth=fail alone does not mean the message was blocked; a failing message in the Inbox is noted, not treated as an error.',
    sources: [HEADERS, AUTH],
    code: [`${H}/conclusion.ts`],
    tests: TESTS,
  },
  {
    id: 'hdr.verdict.mailbox-delivery',
    area: 'headers',
    rule: 'Where the message went is read from X-Microsoft-Antispam-Mailbox-Delivery (dest:I Inbox, dest:J Junk, dest:C a custom folder, RF:JunkEmail), only when a trustworthy Microsoft hop delivered it.',
    sources: [MHA_RULES],
    code: [`${H}/conclusion.ts`, `${H}/mailbox-delivery.ts`],
    tests: TESTS,
    disagreement:
      "Microsoft does not document this header; MHA (Microsoft's analyzer) combines SFV with dest:I/J/C in its rules, and the rest of the keys are the community's reading.",
  },
  {
    id: 'hdr.verdict.default-policy',
    area: 'headers',
    rule: 'Without a Mailbox-Delivery header, the folder is predicted from CAT, SFV and DMARC under the default policy and marked predicted (presets and custom policies may differ).',
    sources: [TROUBLESHOOT, ALLOWLISTS],
    code: [`${H}/conclusion.ts`],
    tests: TESTS,
    disagreement:
      "The default actions per verdict come from Microsoft's recommended-settings page (not re-read on this date); the troubleshooting page gives the policy precedence that makes the prediction uncertain.",
  },
  {
    id: 'hdr.bypass.user-settings',
    area: 'headers',
    rule: "A spam verdict delivered to the Inbox because of OFR:TrustedSenderList/SenderInAddressBook is the user's Safe Senders; SFV:NSPM with dest:J is the user's own junk settings, which tenant allows don't override.",
    sources: [ALLOWLISTS, MHA_RULES],
    code: [`${H}/conclusion.ts`, `${H}/vendor-check.ts`],
    tests: TESTS,
    disagreement:
      'The OFR values are the community reading of an undocumented header; MHA flags the SPM + dest:I and NSPM + dest:J pairs without naming the cause.',
  },
  {
    id: 'hdr.bypass.advanced-delivery-inferred',
    area: 'headers',
    rule: 'A filtering category in the Inbox with no bypass stamp (no SKN, SKA, SKI, SFE or IPV:CAL) is read as advanced delivery, marked inferred, because advanced delivery leaves no header.',
    sources: [TROUBLESHOOT],
    code: [`${H}/conclusion.ts`],
    tests: TESTS,
    disagreement:
      'The troubleshooting page lists advanced delivery among the overrides but names no header value for it; a policy whose action is no action would look the same.',
  },
  {
    id: 'hdr.efc.skip-listing',
    area: 'headers',
    rule: 'The Enhanced Filtering headers (SkipListedInternetSender, ExternalOriginalInternetSender) restore the original sender IP and tie CIP to the inbound hop; they never mean filtering was bypassed.',
    sources: [TROUBLESHOOT],
    code: [`${H}/enhanced-filtering.ts`, `${H}/trust.ts`],
    tests: TESTS,
  },
]

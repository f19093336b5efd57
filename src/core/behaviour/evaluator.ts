import type { BehaviourRow, BehaviourSource } from './types.js'

const READ = '2026-12-06'
const mdo = (file: string): BehaviourSource => ({
  page: `MicrosoftDocs/defender-docs:defender-office-365/${file}.md`,
  read: READ,
})
const ps = (cmdlet: string): BehaviourSource => ({
  page: `MicrosoftDocs/office-docs-powershell:exchange/exchange-ps/ExchangePowerShell/${cmdlet}.md`,
  read: READ,
})
const ev = (file: string) => `src/core/evaluator/${file}.ts`
const FIDELITY = 'src/core/evaluator/fidelity.test.ts'

/** The evaluator behaviours passage models, each traced to Microsoft (see types.ts). */
export const ROWS: readonly BehaviourRow[] = [
  {
    id: 'eval.verdict.order',
    area: 'evaluator',
    rule: 'When the filters find several things, the first in the fixed order MALW, HPHSH, PHSH, HSPM, SPOOF, UIMP, DIMP, GIMP, SPM, BULK is the verdict (CAT).',
    sources: [mdo('how-policies-and-protections-are-combined')],
    code: [ev('verdict'), ev('types')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.allow.tenant-overrides',
    area: 'evaluator',
    rule: 'An SCL -1 mail flow rule, the IP Allow List, anti-spam allowed senders/domains and Tenant Allow/Block List allows deliver phish, high-confidence spam, spam and bulk.',
    sources: [
      mdo('how-policies-and-protections-are-combined'),
      mdo('create-safe-sender-lists-in-office-365'),
    ],
    code: [ev('allows')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.allow.malware-never',
    area: 'evaluator',
    rule: 'No rule, IP allow, allowed sender, Safe Sender or Tenant allow overrides malware, whatever the MX routing; only a SecOps mailbox skips malware filtering.',
    sources: [mdo('secure-by-default'), mdo('create-safe-sender-lists-in-office-365')],
    code: [ev('allows'), ev('outcome')],
    tests: [FIDELITY, 'src/core/evaluator/honest.test.ts'],
  },
  {
    id: 'eval.allow.hcphish-mx-elsewhere',
    area: 'evaluator',
    rule: 'With the MX at Microsoft 365, no allow but advanced delivery (or a submission-created allow) delivers high-confidence phish; with the MX elsewhere, SCL -1 rules, Tenant Allow/Block List allows, anti-spam allowed senders/domains and Outlook Safe Senders can, the IP Allow List still cannot.',
    sources: [
      mdo('secure-by-default'),
      mdo('how-policies-and-protections-are-combined'),
      mdo('anti-spam-policies-troubleshooting'),
    ],
    code: [ev('allows'), ev('combine'), ev('verdict'), ev('filter-verdicts')],
    tests: [FIDELITY, 'src/core/evaluator/allow-vs-verdict.test.ts'],
    disagreement:
      'secure-by-default.md (non-Microsoft filters) lists four overrides for MX elsewhere; anti-spam-policies-troubleshooting.md and the precedence tables of how-policies-and-protections-are-combined.md name only the SCL -1 rule (complex routing). passage follows secure-by-default.md, the page that states the routing condition, so that gateway tenants are warned rather than reassured. The IP Allow List is in neither list for MX elsewhere: passage keeps it unable to deliver HC phish.',
  },
  {
    id: 'eval.allow.ip-allow-not-dmarc',
    area: 'evaluator',
    rule: 'The IP Allow List does not override an explicit DMARC failure (it still skips spam filtering).',
    sources: [
      mdo('anti-spam-policies-troubleshooting'),
      mdo('create-safe-sender-lists-in-office-365'),
    ],
    code: [ev('allows')],
    tests: [FIDELITY],
    disagreement:
      'create-safe-sender-lists-in-office-365.md (2024) says IP Allow List mail skips SPF, DKIM and DMARC; anti-spam-policies-troubleshooting.md (2026-08) says the IP Allow List does not override DMARC failures. passage follows the newer, more specific page, which is also the fail-safe reading; the trace names both.',
  },
  {
    id: 'eval.tabl.sender-allow-needs-auth',
    area: 'evaluator',
    rule: 'A Tenant Allow/Block List allow for a domain or address delivers only mail that passes email authentication (compauth pass); failing mail keeps its verdict; where compauth cannot be computed (behind a gateway) the allow is applied and the trace says it is uncertain.',
    sources: [
      mdo('tenant-allow-block-list-email-spoof-configure'),
      mdo('includes/allow-entry-facts'),
    ],
    code: [ev('allows'), ev('evaluate'), ev('outcome')],
    tests: [FIDELITY],
    disagreement:
      'The include allow-entry-facts.md is part of the email/spoof TABL page; its stored copy could not be opened in this pass (the rule is as the page renders it and as review 2026-12 item 5 cites it). Microsoft does not say what "passes email authentication" means for compauth none (reason 905): passage marks it uncertain.',
  },
  {
    id: 'eval.allow.spoof-allow',
    area: 'evaluator',
    rule: 'An allowed spoofed-sender entry overrides the spoof verdict of its (spoofed user, sending infrastructure) pair; whether it also overrides an explicit DMARC failure is uncertain and marked so.',
    sources: [
      mdo('tenant-allow-block-list-email-spoof-configure'),
      mdo('mdo-integrate-security-service'),
    ],
    code: [ev('allows')],
    tests: ['src/core/evaluator/allow-vs-verdict.test.ts'],
    disagreement:
      'Microsoft does not say whether a spoof allow covers DMARC p=reject/quarantine failures; its in-and-out routing guidance relies on spoof allows for relayed mail, which fails DMARC.',
  },
  {
    id: 'eval.tabl.url-syntax',
    area: 'evaluator',
    rule: 'Tenant Allow/Block List URL entries match per the URL syntax table: allow and block semantics differ for a bare host (a block covers paths, subdomains and the domain in a path); `/*` covers any path; `*.d`, `~d`, `~d~` and `*.TLD/*` keep their rows; invalid entries (ports, middle or double wildcards, `d*`, `*d`, `*`) never match.',
    sources: [mdo('tenant-allow-block-list-urls-configure')],
    code: [ev('tabl')],
    tests: ['src/core/evaluator/tabl.test.ts'],
    disagreement:
      'The table has no row for a block with a path and no wildcard (passage treats it as a prefix) nor for whether `contoso.com/*` matches `contoso.com/` (passage: no, the path must be non-empty).',
  },
  {
    id: 'eval.tabl.url-no-subpath',
    area: 'evaluator',
    rule: 'Subpaths are not implied for URL allows: `contoso.com` allows only that URL, `contoso.com/*` allows its paths.',
    sources: [mdo('tenant-allow-block-list-urls-configure')],
    code: [ev('tabl')],
    tests: ['src/core/evaluator/tabl.test.ts'],
  },
  {
    id: 'eval.tabl.url-left-wildcard-allow',
    area: 'evaluator',
    rule: 'Left-wildcard and tilde URL allows (`*.d`, `*.d/*`, `~d`, `~d~`) are supported only in advanced delivery: as Tenant allows they never match.',
    sources: [mdo('tenant-allow-block-list-urls-configure')],
    code: [ev('tabl')],
    tests: ['src/core/evaluator/tabl.test.ts'],
  },
  {
    id: 'eval.tabl.spoof-pair',
    area: 'evaluator',
    rule: 'A spoofed-sender entry matches its pair: the From address, its domain or `*`, with the PTR domain of the source IP, its /24 only when the IP has no PTR record, a verified DKIM domain, or `*` (one side only); without the PTR the match is uncertain and not applied.',
    sources: [
      mdo('tenant-allow-block-list-email-spoof-configure'),
      ps('New-TenantAllowBlockListSpoofItems'),
    ],
    code: [ev('tabl'), ev('message')],
    tests: [FIDELITY],
    disagreement:
      'The spoof page lists a domain as a valid spoofed user for any entry; New-TenantAllowBlockListSpoofItems.md asks for the full address for intra-org (Internal) entries and the domain for cross-org ones: passage applies an Internal domain entry and marks it uncertain. The spoof page lists `*` as a sending infrastructure, the cmdlet page lists only domain, /24 and DKIM domain (while accepting wildcard characters): passage follows the spoof page.',
  },
  {
    id: 'eval.tabl.expiry',
    area: 'evaluator',
    rule: 'A Tenant Allow/Block List entry past its expiry date (or past RemoveAfter days after its last use) is not in force; spoofed-sender entries never expire.',
    sources: [mdo('tenant-allow-block-list-email-spoof-configure')],
    code: [ev('tabl')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.block.beats-allow',
    area: 'evaluator',
    rule: 'When the same entity has a Tenant Allow/Block List allow and block, the block wins; a block also beats message-level tenant allows.',
    sources: [mdo('how-policies-and-protections-are-combined')],
    code: [ev('tabl'), ev('allows'), ev('blocks')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.lists.from-only',
    area: 'evaluator',
    rule: 'Anti-spam allowed/blocked senders and domains and Outlook Safe/Blocked Senders inspect only the From (5322.From) address, never MAIL FROM.',
    sources: [mdo('create-safe-sender-lists-in-office-365')],
    code: [ev('sender-lists'), ev('match')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.lists.own-domain-auth',
    area: 'evaluator',
    rule: 'An anti-spam allowed sender or domain in one of the tenant’s accepted domains applies only when the message passes authentication.',
    sources: [mdo('create-safe-sender-lists-in-office-365')],
    code: [ev('sender-lists')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.user.safe-senders-quarantine',
    area: 'evaluator',
    rule: 'Outlook Safe Senders deliver phish, HC spam, spam and bulk, except that a domain entry is not honoured when the policy action is Quarantine (an address entry is); they never deliver malware, nor HC phish with the MX at Microsoft.',
    sources: [
      mdo('create-safe-sender-lists-in-office-365'),
      mdo('how-policies-and-protections-are-combined'),
    ],
    code: [ev('combine')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.ad.secops-phish-sim',
    area: 'evaluator',
    rule: 'Advanced delivery wins: a SecOps mailbox gets everything, malware included; a phishing simulation gets everything but malware.',
    sources: [
      mdo('how-policies-and-protections-are-combined'),
      mdo('create-safe-sender-lists-in-office-365'),
    ],
    code: [ev('combine')],
    tests: [FIDELITY],
    disagreement:
      'The precedence table of how-policies-and-protections-are-combined.md lets any advanced delivery allow beat malware; create-safe-sender-lists-in-office-365.md says malware filtering is skipped only for SecOps mailboxes. passage follows the stricter reading for phishing simulations.',
  },
  {
    id: 'eval.rule.sender-ip-last-hop',
    area: 'evaluator',
    rule: 'A mail flow rule’s SenderIpRanges (and its exception) is matched against the IP of the last hop before Exchange Online: behind a gateway, the gateway’s IP, even when Enhanced Filtering finds the original source.',
    sources: [ps('New-TransportRule')],
    code: [ev('transport-rules'), ev('routing'), ev('evaluate')],
    tests: [FIDELITY, 'src/core/evaluator/routing.test.ts'],
  },
  {
    id: 'eval.rule.ef-bypass-rule-flag',
    area: 'evaluator',
    rule: 'When Enhanced Filtering is on and an SCL -1 mail flow rule still lets the message skip spam filtering, the trace flags the rule: Microsoft advises Enhanced Filtering instead of, not with, the bypass rule.',
    sources: [mdo('anti-spam-policies-troubleshooting')],
    code: [ev('evaluate')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.routing.ef-source',
    area: 'evaluator',
    rule: 'With the MX elsewhere, Exchange sees the gateway as the source unless Enhanced Filtering skips it (last IP or listed IPs, every recipient listed when piloted): then filtering, the IP Allow List and authentication use the first hop not skipped.',
    sources: [
      {
        page: 'MicrosoftDocs/OfficeDocs-Exchange:Exchange/ExchangeOnline/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors.md',
        read: READ,
      },
    ],
    code: [ev('routing'), ev('auth')],
    tests: [FIDELITY, 'src/core/evaluator/routing.test.ts'],
    disagreement:
      'Microsoft does not say what happens when every hop is skipped: passage uses the original source and marks it uncertain.',
  },
  {
    id: 'eval.ip-allow.limits',
    area: 'evaluator',
    rule: 'The IP Allow and Block Lists take IPv4 addresses, /24 to /32 blocks or ranges of at most 256 addresses; wider entries never match.',
    sources: [mdo('connection-filter-policies-configure')],
    code: [ev('connection-filter')],
    tests: [FIDELITY],
  },
  {
    id: 'eval.stamp.ip-allow-cal-skn',
    area: 'evaluator',
    rule: 'A message allowed by the IP Allow List is stamped IPV:CAL with SFV:SKN in X-Forefront-Antispam-Report.',
    sources: [
      mdo('create-safe-sender-lists-in-office-365'),
      mdo('anti-spam-policies-troubleshooting'),
    ],
    code: [ev('allows'), ev('headers')],
    tests: [FIDELITY, 'src/core/evaluator/conflicts.test.ts'],
    disagreement:
      'create-safe-sender-lists-in-office-365.md says IPV:CAL is stamped alongside SKN (as public samples of real headers show); anti-spam-policies-troubleshooting.md shows IPV:CAL with SFV:SKI. passage stamps SKN (what real EOP stamps) and readers should take CAL with SKN or SKI as the IP Allow List.',
  },
  {
    id: 'eval.zap.allows-may-override',
    area: 'evaluator',
    rule: 'ZAP may be overridden by Safe Sender lists, mail flow rules and other allow settings, so for allowed mail passage says ZAP might not act (unknown); HC phish let through by an SCL -1 rule with the MX elsewhere is not zapped; advanced delivery turns spam and phish ZAP off.',
    sources: [mdo('zero-hour-auto-purge')],
    code: [ev('zap')],
    tests: [FIDELITY, 'src/core/evaluator/zap.test.ts'],
    disagreement:
      'Microsoft says allows might override ZAP without saying which allow always does: passage reports unknown rather than a promise either way.',
  },
  {
    id: 'eval.journey.stage-order',
    area: 'evaluator',
    rule: 'A message meets the connection filter, anti-malware, mail flow rules, then content filtering (anti-spam; anti-phishing: spoof and impersonation), Safe Attachments, Safe Links at delivery and ZAP afterwards; tenant allows and blocks act only once the filters have a verdict.',
    sources: [
      mdo('eop-about'),
      mdo('how-policies-and-protections-are-combined'),
      mdo('protection-stack-microsoft-defender-for-office365'),
    ],
    code: ['src/core/journey/stages.ts', 'src/core/journey/from-evaluation.ts'],
    tests: ['src/core/journey/from-evaluation.test.ts'],
    disagreement:
      'eop-about.md puts anti-malware before policy filtering (mail flow rules); protection-stack-microsoft-defender-for-office365.md lists transport rules before the antivirus scan within content filtering. passage draws the eop-about.md order, the one the "Order and precedence of email protection" page links to; the evaluator\'s outcome does not depend on it, since no rule overrides a malware verdict.',
  },
]

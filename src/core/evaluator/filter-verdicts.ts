import type { Licence } from '../model/licence.js'
import type { MalwareFilterPolicy } from '../model/malware-filter.js'
import type { AuthResults } from './auth.js'
import { impersonationVerdict } from './impersonation.js'
import type { TestMessage } from './message.js'
import { fileFilterVerdict, malwareDetectionVerdict } from './malware.js'
import type { PolicySet, Selected } from './policies.js'
import { obj, type Trace } from './trace.js'
import { microsoftMalwarePolicy } from './presets.js'
import { byVerdictOrder, TENANT_AND_USER, verdict, type Verdict } from './verdict.js'

/**
 * The filters' verdicts for the message and the action each gets from the recipient's policies
 * (message-headers §1.5), in verdict order. Also reports the BCL threshold outcome for SRV:BULK.
 * `malware` is the recipient's anti-malware policy, given when the message has a malware detection
 * or attachment types (selectMalwarePolicy); the common attachments filter runs first.
 */
export function filterVerdicts(
  message: TestMessage,
  auth: AuthResults,
  policies: PolicySet,
  licence: Licence,
  trace: Trace,
  malware: Selected<MalwareFilterPolicy> | null = null,
): { verdicts: Verdict[]; bulkOverThreshold: boolean; bcl: number } {
  const out: Verdict[] = []
  const fileFilter = malware ? fileFilterVerdict(message, malware, trace) : null
  if (fileFilter) out.push(fileFilter)
  const stage = 'filter-verdict'
  const as = policies.antiSpam
  const sp = as.policy
  const ap = policies.antiPhish.policy
  const apObj = policies.antiPhish.object
  let bulkOverThreshold = false
  let bcl = 0
  for (const d of message.detections) {
    switch (d.kind) {
      case 'none':
        break
      case 'malware':
        // Without a selected policy (a caller that does not pass one), Microsoft's Default.
        out.push(
          malwareDetectionVerdict(
            malware ?? {
              policy: microsoftMalwarePolicy('Default', true),
              object: obj('anti-malware-policy', 'Default'),
              source: 'default',
              preset: null,
            },
            trace,
          ),
        )
        break
      case 'high-confidence-phish':
        out.push(
          verdict(
            'HPHSH',
            'HighConfidencePhishAction',
            sp.HighConfidencePhishAction,
            sp.HighConfidencePhishQuarantineTag,
            as.object,
            'filter',
            { tenantAllow: false, ifMxElsewhere: true, userSafe: false },
          ),
        )
        break
      case 'phish':
        out.push(
          verdict(
            'PHSH',
            'PhishSpamAction',
            sp.PhishSpamAction,
            sp.PhishQuarantineTag,
            as.object,
            'filter',
            TENANT_AND_USER,
          ),
        )
        break
      case 'high-confidence-spam':
        out.push(
          verdict(
            'HSPM',
            'HighConfidenceSpamAction',
            sp.HighConfidenceSpamAction,
            sp.HighConfidenceSpamQuarantineTag,
            as.object,
            'filter',
            TENANT_AND_USER,
          ),
        )
        break
      case 'spam':
        out.push(
          verdict(
            'SPM',
            'SpamAction',
            sp.SpamAction,
            sp.SpamQuarantineTag,
            as.object,
            'filter',
            TENANT_AND_USER,
          ),
        )
        break
      case 'bulk': {
        bcl = Math.max(bcl, d.bcl ?? 0)
        const level = d.bcl ?? 0
        if (level < sp.BulkThreshold) {
          trace.step(
            stage,
            `Bulk with BCL ${level}, below the threshold ${sp.BulkThreshold}: no bulk action`,
            as.object,
          )
          break
        }
        bulkOverThreshold = true
        if (sp.MarkAsSpamBulkMail === 'Off') {
          trace.step(
            stage,
            `Bulk with BCL ${level} ≥ ${sp.BulkThreshold}, but MarkAsSpamBulkMail is Off: no bulk action`,
            as.object,
          )
          break
        }
        out.push(
          verdict(
            'BULK',
            'BulkSpamAction',
            sp.BulkSpamAction,
            sp.BulkQuarantineTag,
            as.object,
            'filter',
            TENANT_AND_USER,
          ),
        )
        break
      }
      case 'spoof':
        if (!ap.EnableSpoofIntelligence) {
          trace.step(
            stage,
            'Spoof detected, but spoof intelligence is off in the policy: no spoof action',
            apObj,
          )
          break
        }
        out.push(
          verdict(
            'SPOOF',
            'AuthenticationFailAction',
            ap.AuthenticationFailAction,
            ap.SpoofQuarantineTag,
            apObj,
            'spoof-intelligence',
            TENANT_AND_USER,
          ),
        )
        break
      case 'impersonation': {
        const v = impersonationVerdict(message, d.impersonation ?? 'user', policies, licence, trace)
        if (v) out.push(v)
        break
      }
    }
  }
  // Explicit DMARC failure (p=quarantine / p=reject).
  if (
    auth.dmarc === 'fail' &&
    (auth.dmarcPolicy === 'quarantine' || auth.dmarcPolicy === 'reject')
  ) {
    if (!auth.enforced)
      trace.step(
        stage,
        `DMARC fails with p=${auth.dmarcPolicy} but is not enforced behind a gateway without Enhanced Filtering`,
        apObj,
      )
    else if (ap.HonorDmarcPolicy) {
      const quarantine = auth.dmarcPolicy === 'quarantine'
      out.push(
        verdict(
          'SPOOF',
          quarantine ? 'DmarcQuarantineAction' : 'DmarcRejectAction',
          quarantine ? ap.DmarcQuarantineAction : ap.DmarcRejectAction,
          ap.SpoofQuarantineTag,
          apObj,
          'dmarc',
          TENANT_AND_USER,
        ),
      )
    } else if (ap.EnableSpoofIntelligence) {
      trace.step(
        stage,
        `DMARC fails with p=${auth.dmarcPolicy}; HonorDmarcPolicy is off, so the spoof action applies`,
        apObj,
      )
      out.push(
        verdict(
          'SPOOF',
          'AuthenticationFailAction',
          ap.AuthenticationFailAction,
          ap.SpoofQuarantineTag,
          apObj,
          'dmarc',
          TENANT_AND_USER,
        ),
      )
    }
  }
  const sorted = byVerdictOrder(out)
  if (sorted.length)
    trace.step(
      stage,
      `Detected ${sorted.map((v) => v.cat).join(', ')}; the verdict is ${sorted[0]?.cat} (verdict order MALW > HPHSH > PHSH > HSPM > SPOOF > UIMP > DIMP > GIMP > SPM > BULK)`,
      sorted[0]?.object ?? null,
      sorted.map((v) => `${v.cat}: ${v.setting}`).join('; '),
    )
  else trace.step(stage, 'Nothing detected', null)
  return { verdicts: sorted, bulkOverThreshold, bcl }
}

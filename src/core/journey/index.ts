/**
 * The mail's path: a message's journey through Defender's stages in Microsoft's order, with the
 * stage that decided where it lands, from the evaluator (a modelled message) or from a delivered
 * message's headers; its text rendering and the before/after landing summary.
 */
export { STAGES, stageIndex, stageTitle } from './stages.js'
export { decidingStage, foundVerdicts, journeyOf } from './from-evaluation.js'
export { journeyFromHeaders } from './from-headers.js'
export {
  journeyLines,
  journeyPairLines,
  recipientLabel,
  stageDetail,
  stageLine,
  STATUS_MARKS,
} from './text.js'
export { landingSummary, PLACEMENTS, type LandingGroup, type PlacementCounts } from './landing.js'
export type {
  Journey,
  JourneyObject,
  JourneyPair,
  JourneyStage,
  Placement,
  StageId,
  StageStatus,
} from './types.js'

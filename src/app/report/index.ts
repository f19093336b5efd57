export { checkRequest, collectReport, type ReportRequest } from './collect.js'
export { fileStem, writeArtefacts, type ArtefactRequest } from './artefacts.js'

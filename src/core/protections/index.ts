export * from './catalog.js'
export * from './ids.js'

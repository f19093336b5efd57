export * from './catalogue.js'
export * from './passage-error.js'
export * from './validation.js'

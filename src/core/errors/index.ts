export * from './catalogue.js'
export * from './passage-error.js'

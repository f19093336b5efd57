export * from './domain.js'
export * from './ip.js'

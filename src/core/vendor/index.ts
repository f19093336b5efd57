export * from './profile.js'
export * from './resolve.js'

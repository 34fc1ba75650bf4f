/** Public API of the package: build or start a mock gateway in-process. */
export { buildApp, type BuildOptions } from './app.js'
export { startServer, type RunningServer } from './server.js'
export { defaultConfig, parseConfig, type Config } from './config.js'
export { ManualClock, RealClock, type Clock } from './domain/clock.js'
export { errorCatalogue, type ErrorKey } from './domain/error-catalogue.js'
export { loadWorld, WorldFileError } from './world/load-world.js'

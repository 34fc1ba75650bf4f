/** Public API of the package: start a mock gateway in-process, or build one to inject into. */
export { startMockGateway, adminClient, gatewayClient, MockGatewayError, type MockGateway, type MockGatewayOptions, type AdminClient, type GatewayClient, type CustomerCall } from './client.js'
export { buildApp, type BuildOptions } from './app.js'
export { startServer, type RunningServer } from './server.js'
export { defaultConfig, parseConfig, type Config } from './config.js'
export { ManualClock, RealClock, type Clock } from './domain/clock.js'
export { errorCatalogue, type ErrorKey } from './domain/error-catalogue.js'
export { loadWorld, loadScenarioFile, loadScenarios, WorldFileError } from './world/load-world.js'

/**
 * The training vocabulary, each idea declared once: the config and its checks, data specs, engines, session
 * states, callbacks, the events a trainer reports, and the run folder with its metrics file.
 */
export * from './callbacks';
export * from './cluster';
export * from './config';
export * from './dataSpec';
export * from './datasetFit';
export * from './engines';
export * from './events';
export * from './metricNames';
export * from './metricsFile';
export * from './progress';
export * from './outputs';
export * from './runs';
export * from './sessions';
export * from './speed';
export * from './validate';

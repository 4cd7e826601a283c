// createMetric: a metric by its registered name (index.mjs exports it; the parallel worker builds
// its metrics with it). 'wasmetrics:metric-classes' is the generated classes by name.
import METRIC_CLASSES from 'wasmetrics:metric-classes';
import { UnlistedMetric } from './metric.mjs';

/** A metric by its registered name, e.g. createMetric('MeanSquaredError', {squared: false}). */
export function createMetric(name, options) {
  if (typeof name === 'string' && Object.hasOwn(METRIC_CLASSES, name)) return new METRIC_CLASSES[name](options);
  return new UnlistedMetric(name, options); // the core names the known metrics if it is unknown
}

// Reporting for runs: files, run info, logs, metrics, statistics, plots,
// image grids, Markdown reports and progress. Importing this is cheap: the
// plotting libraries load on the first render.
export { writeFileAtomic, writeJsonAtomic, readJson } from './files.js';
export { versions, writeRunInfo, type Versions, type RunInfo } from './runInfo.js';
export { createLogger, type Logger, type LoggerOptions, type LogLevel, type LogFields } from './logger.js';
export { MetricsWriter, readMetrics, keepMetrics, type MetricsRecord, type MetricsWriterOptions } from './metrics.js';
export {
  sum,
  mean,
  variance,
  std,
  standardError,
  min,
  max,
  quantile,
  quantiles,
  quantilesAcross,
  median,
  logMeanExp,
  runningMean,
  movingAverage,
  exponentialMovingAverage,
  summarize,
  type Summary,
} from './stats.js';
export {
  lineChart,
  savePlot,
  renderSvg,
  svgToPng,
  type Series,
  type LineChartOptions,
  type SavedPlot,
  type RenderOptions,
} from './plot.js';
export { plotFont, resolvePlotFont, fontFamily, type PlotFont } from './fonts.js';
export { writeImageGrid, imageGridPng, type ImageGridOptions } from './image.js';
export { MarkdownReport, formatNumber, type Cell, type TableOptions } from './markdown.js';
export { Progress, duration, type ProgressOptions, type ProgressPayload, type ProgressLogger } from './progress.js';
export { bandSeries, thinSeries } from './bands.js';

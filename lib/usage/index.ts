/*
 * What other features may use of the usage feature.
 */
export { UsageReports } from './usage-reports.service';

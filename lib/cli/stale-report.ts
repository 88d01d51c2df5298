import type { StaleFlag, UsageReport } from '../staleness';
import type { SourceScan } from './code-references';
import { printable, shown } from './printable';
import { counted } from '../core/counted';

/** Dynamic references printed at most; `--json` lists them all. */
const MAX_DYNAMIC_LINES = 10;

/** Keys, types, reasons (which quote metadata and variants) and file names are all escaped. */
function describeFlag(flag: StaleFlag): string[] {
  const lines = [shown`${flag.key} (${flag.inStore ? flag.type : 'not in the store'})`];
  for (const reason of flag.reasons) lines.push(shown`  ${reason.code}: ${reason.message}`);
  if (flag.references.length > 0) {
    const places = flag.references.map(({ file, line }) => shown`${file}:${line}`);
    lines.push(`  named at ${places.join(', ')}`);
  }
  return lines;
}

/**
 * The `hybrid-flags stale` report for a person: what was looked at, each flag to act on with
 * its reasons and where code names it, and the places whose flags the scan could not read.
 * @internal
 */
export function staleReportLines(
  report: UsageReport,
  stale: readonly StaleFlag[],
  scan: (SourceScan & { dir: string }) | undefined,
): string[] {
  const stored = report.flags.filter((flag) => flag.inStore).length;
  const scope =
    `${counted(stored, 'flag')} in the store, ` +
    shown`usage since ${report.since} (${report.days} days)` +
    (scan === undefined
      ? '; without --src, flags named only in code and flags named nowhere are not checked'
      : `, ${counted(scan.files, 'source file')} scanned in ${printable(scan.dir)}`);
  const lines = [scope, ''];
  for (const flag of stale) lines.push(...describeFlag(flag), '');
  lines.push(
    stale.length === 0 ? 'No flag to act on.' : `${counted(stale.length, 'flag')} to act on.`,
  );
  if (scan !== undefined && scan.dynamic.length > 0) {
    lines.push(
      '',
      `${counted(scan.dynamic.length, 'place')} ${scan.dynamic.length === 1 ? 'names' : 'name'} ` +
        'flags the scan cannot read; a flag used only ' +
        'there is reported unreferenced wrongly, so check them before removing one:',
    );
    for (const { file, line, call, expression } of scan.dynamic.slice(0, MAX_DYNAMIC_LINES)) {
      lines.push(
        shown`  ${file}:${line} ${call}(${expression})` +
          (call === 'evaluateAll' ? ' evaluates every flag' : ''),
      );
    }
    if (scan.dynamic.length > MAX_DYNAMIC_LINES) {
      lines.push(`  and ${scan.dynamic.length - MAX_DYNAMIC_LINES} more (--json lists them all)`);
    }
  }
  return lines;
}

/*
 * flagd's `sem_ver` operation. Versions are SemVer 2.0.0, read leniently as flagd does: a leading
 * `v`/`V` is dropped, `1` and `1.2` mean `1.0.0` and `1.2.0`, numbers are read as their decimal
 * text, and build metadata is ignored when comparing.
 */

interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: Array<string | number>;
}

const NUMERIC = '0|[1-9]\\d*';
const IDENTIFIER = `(?:${NUMERIC}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const FULL_VERSION = new RegExp(
  `^v?(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})` +
    `(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?` +
    `(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);
const PARTIAL_VERSION = /^(0|[1-9]\d{0,15})(?:\.(0|[1-9]\d{0,15}))?$/;
const MAX_VERSION_LENGTH = 256;

function toVersion(major: string, minor: string, patch: string, pre?: string): Version | null {
  const version: Version = { major: +major, minor: +minor, patch: +patch, prerelease: [] };
  if (
    version.major > Number.MAX_SAFE_INTEGER ||
    version.minor > Number.MAX_SAFE_INTEGER ||
    version.patch > Number.MAX_SAFE_INTEGER
  ) {
    return null;
  }
  if (pre !== undefined) {
    version.prerelease = pre.split('.').map((id) => {
      const num = /^[0-9]+$/.test(id) ? +id : NaN;
      return num >= 0 && num < Number.MAX_SAFE_INTEGER ? num : id;
    });
  }
  return version;
}

/** @internal */
export function parseVersion(raw: unknown): Version | null {
  const text = String(raw).replace(/^[vV]/, '');
  if (text.length > MAX_VERSION_LENGTH) return null;
  const full = FULL_VERSION.exec(text.trim());
  if (full) return toVersion(full[1], full[2], full[3], full[4]);
  const partial = PARTIAL_VERSION.exec(text);
  return partial ? toVersion(partial[1], partial[2] ?? '0', '0') : null;
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** @internal */
export function compareVersions(a: Version, b: Version): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  const pa = a.prerelease;
  const pb = b.prerelease;
  if (pa.length === 0 || pb.length === 0)
    return pb.length - pa.length === 0 ? 0 : pa.length ? -1 : 1;
  for (let i = 0; ; i++) {
    if (i >= pa.length && i >= pb.length) return 0;
    if (i >= pb.length) return 1;
    if (i >= pa.length) return -1;
    const order = compareIdentifiers(pa[i], pb[i]);
    if (order !== 0) return order;
  }
}

/** The comparison operators `sem_ver` accepts. @internal */
export const SEM_VER_OPERATORS: ReadonlySet<string> = new Set([
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '^',
  '~',
]);

/**
 * `{"sem_ver": [version, operator, version]}`: null (so the default variant is served) when an
 * argument is not a version, the operator is unknown or the argument count is wrong.
 * @internal
 */
export function semVer(args: unknown[]): boolean | null {
  if (args.length !== 3) return null;
  const left = parseVersion(args[0]);
  const right = parseVersion(args[2]);
  if (!left || !right) return null;
  const order = compareVersions(left, right);
  switch (String(args[1])) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '^':
      return left.major === right.major;
    case '~':
      return left.major === right.major && left.minor === right.minor;
    default:
      return null;
  }
}

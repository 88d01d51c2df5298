import { createHash } from 'node:crypto';

/**
 * A strong entity tag of a response body: a digest of the bytes sent, so it changes whenever
 * the answer does, whatever the cause (a change of the flags, of the caller's context, or a rule
 * that reads the time).
 * @internal
 */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * Whether an `If-None-Match` header names `tag`: a list of tags, compared weakly as RFC 9110
 * says for this header (a `W/` prefix is ignored). `*` names none here: OFREP answers a match
 * with 304 although its requests are POSTs, and RFC 9110 wants 412 for `*` on a POST, so the
 * answer is a plain 200.
 * @internal
 */
export function noneMatch(header: string | string[] | undefined, tag: string): boolean {
  if (header === undefined) return false;
  const listed = (Array.isArray(header) ? header.join(',') : header).split(',');
  return listed.some((item) => {
    const candidate = item.trim();
    return candidate.replace(/^W\//, '') === tag;
  });
}

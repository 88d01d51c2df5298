/**
 * Copies many short texts into one flat string and returns views into it. V8 keeps each
 * `JSON.stringify` result with its builder's spare capacity (about twice its length); one joined
 * string plus a slice per text holds the same characters in about 60% of the memory.
 * @internal
 */
export function compactTexts(texts: ReadonlyArray<string | undefined>): Array<string | undefined> {
  const joined = texts.join('');
  const views: Array<string | undefined> = new Array(texts.length);
  let offset = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text === undefined) continue;
    views[i] = joined.slice(offset, offset + text.length);
    offset += text.length;
  }
  return views;
}

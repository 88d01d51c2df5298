import { entityTag, noneMatch } from './entity-tag';

describe('entityTag and noneMatch', () => {
  const tag = entityTag('{"flags":[]}');

  it('tags a body by its bytes: the same body the same tag, another body another', () => {
    expect(tag).toMatch(/^"[\w-]{27}"$/);
    expect(entityTag('{"flags":[]}')).toBe(tag);
    expect(entityTag('{"flags":[1]}')).not.toBe(tag);
  });

  it.each([
    [tag, true],
    [`W/${tag}`, true],
    [`"a", ${tag} , "b"`, true],
    [['"a"', tag], true],
    ['*', false],
    ['"a", "b"', false],
    [tag.slice(1, -1), false],
    ['', false],
    [undefined, false],
  ])('If-None-Match %j names the tag: %s', (header, expected) => {
    expect(noneMatch(header, tag)).toBe(expected);
  });
});

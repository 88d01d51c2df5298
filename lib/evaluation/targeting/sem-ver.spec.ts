import { parseVersion, semVer } from './sem-ver';

describe('sem_ver', () => {
  it.each([
    ['1.2.3', '=', '1.2.3', true],
    ['1.2.3', '!=', '1.2.4', true],
    ['1.2.3', '<', '1.10.0', true],
    ['2.0.0-alpha', '<', '2.0.0', true],
    ['2.0.0-alpha.2', '<', '2.0.0-alpha.10', true],
    ['2.0.0-alpha.beta', '>', '2.0.0-alpha.1', true],
    ['2.0.0-rc.1', '>=', '2.0.0-beta.11', true],
    ['1.0.0+build.5', '=', '1.0.0', true],
    ['v1.4.0', '^', '1.0.0', true],
    ['1.4.0', '~', '1.4.9', true],
    ['1.5.0', '~', '1.4.9', false],
    ['2', '>', '1.9.9', true],
    ['1.2', '=', '1.2.0', true],
    [1.2, '=', '1.2.0', true],
    [' 1.0.0 ', '=', '1.0.0', true],
  ])('%j %s %j is %s', (left, operator, right, expected) => {
    expect(semVer([left, operator, right])).toBe(expected);
  });

  it.each([
    [['1.0.0', '=']],
    [['1.0.0', '===', '1.0.0']],
    [['not-a-version', '=', '1.0.0']],
    [['1.0.0.0', '=', '1.0.0']],
    [['01.0.0', '=', '1.0.0']],
    [['1.0.0-01', '=', '1.0.0']],
    [[true, '=', '1.0.0']],
    [[null, '=', '1.0.0']],
  ])('is null (the default variant) for %j', (args) => {
    expect(semVer(args)).toBeNull();
  });

  it('reads numeric prerelease identifiers as numbers and keeps the rest as text', () => {
    expect(parseVersion('1.0.0-rc.7.x-1')).toEqual({
      major: 1,
      minor: 0,
      patch: 0,
      prerelease: ['rc', 7, 'x-1'],
    });
  });
});

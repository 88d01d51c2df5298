import { Test } from '@nestjs/testing';
import { type FlagSetDocument, FlagsModule, InMemoryFlagStore } from '../../lib';
import { RecordingLogger } from '../support/recording-logger';

const bool = (metadata: Record<string, string | number>) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'on',
  metadata,
});

async function warningsFor(seed: FlagSetDocument): Promise<string[]> {
  const logger = new RecordingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [FlagsModule.forRoot({ store: new InMemoryFlagStore(), seed })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  await app.close();
  return logger.messages('warn').filter((warning) => /expiresAt/.test(warning));
}

describe('the startup warning about expired flags', () => {
  it('lists, once, every served flag whose expiresAt has passed', async () => {
    const warnings = await warningsFor({
      flags: {
        'old-banner': bool({ expiresAt: '2020-01-31' }),
        'old-test': bool({ type: 'experiment', expiresAt: '2021-06-01T12:00:00Z' }),
        'next-year': bool({ expiresAt: `${new Date().getUTCFullYear() + 1}-01-01` }),
        untimed: bool({ type: 'release' }),
      },
    });
    expect(warnings).toEqual([
      '2 flags are past their expiresAt: old-banner (2020-01-31), old-test ' +
        '(2021-06-01T12:00:00Z). Remove them from the code, then from the store; ' +
        '`hybrid-flags stale` lists what else can go.',
    ]);
  });

  it('says nothing when no flag has expired', async () => {
    expect(await warningsFor({ flags: { untimed: bool({ type: 'release' }) } })).toEqual([]);
  });
});

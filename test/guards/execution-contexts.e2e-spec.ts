import { Controller, NotFoundException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test } from '@nestjs/testing';
import { FeatureFlag, FeatureFlagGuard } from '../../lib';
import { FlagsTestingModule } from '../../lib/testing';

@Controller()
class Handlers {
  @FeatureFlag('beta')
  guarded() {
    return 'ok';
  }
}

/** The guard outside HTTP: GraphQL resolvers and microservice handlers. */
describe('FeatureFlagGuard beyond HTTP', () => {
  let guard: FeatureFlagGuard;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FlagsTestingModule.forRoot({
          flags: {
            beta: {
              state: 'ENABLED',
              variants: { on: true, off: false },
              defaultVariant: 'off',
              targeting: { if: [{ '==': [{ var: 'targetingKey' }, 'ada'] }, 'on', 'off'] },
            },
          },
        }),
      ],
    }).compile();
    guard = moduleRef.get(FeatureFlagGuard);
  });

  const context = (type: string, args: unknown[]) => {
    const host = new ExecutionContextHost(args, Handlers, Handlers.prototype.guarded);
    host.setType(type);
    return host;
  };

  it('reads the user from a GraphQL context (args: root, arguments, context, info)', () => {
    const as = (id: string) => context('graphql', [{}, {}, { req: { user: { id } } }, {}]);
    expect(guard.canActivate(as('ada'))).toBe(true);
    expect(() => guard.canActivate(as('bob'))).toThrow(NotFoundException);
  });

  it('reads a microservice message (args: data, context)', () => {
    const as = (id: string) => context('rpc', [{ user: { id } }, {}]);
    expect(guard.canActivate(as('ada'))).toBe(true);
    expect(() => guard.canActivate(as('bob'))).toThrow(NotFoundException);
  });
});

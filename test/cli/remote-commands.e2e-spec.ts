import { main } from '../../lib/cli/main';
import type { FlagSetDocument } from '../../lib';
import {
  type FlagsApp,
  type RecordingIo,
  checksumOf,
  controlPlane,
  deliveries,
  flag,
  heldDocument,
  recordingIo,
  remoteArgs,
  startFlagsApp,
} from './flags-app';

/*
 * `hybrid-flags push`, `state` and `evaluate` against a real application listening on a port:
 * what the CLI prints and exits with, what it sends, and what the application's store then holds.
 */

const plane = controlPlane();

const STAFF = { ends_with: [{ var: 'email' }, '@example.com'] };
/** Enough unchanged flags that a patch of a few differences is smaller than a snapshot. */
const stable = Object.fromEntries(
  Array.from({ length: 6 }, (_, i) => [`stable-${i}`, flag(i % 2 === 0 ? 'on' : 'off')]),
);
const V1: FlagSetDocument = {
  flags: {
    beta: flag('on'),
    legacy: flag('on'),
    checkout: flag('off', { targeting: { if: [{ $ref: 'is-staff' }, 'on', 'off'] } }),
    ...stable,
  },
  $evaluators: { 'is-staff': STAFF },
};
/** V1 with beta changed, search added, legacy removed and the is-staff evaluator changed. */
const V2: FlagSetDocument = {
  flags: {
    beta: flag('off'),
    checkout: V1.flags.checkout,
    search: flag('on'),
    ...stable,
  },
  $evaluators: { 'is-staff': { ends_with: [{ var: 'email' }, '@example.org'] } },
};
const v1File = plane.flagFile('v1.json', V1);
const v2File = plane.flagFile('v2.json', V2);

describe('hybrid-flags remote commands against a running application', () => {
  let target: FlagsApp;

  beforeEach(async () => {
    target = await startFlagsApp(plane);
  });

  afterEach(() => target.close());

  async function run(command: string, ...args: string[]): Promise<[number, RecordingIo]> {
    const io = recordingIo();
    const [positionals, options] = splitArgs(args);
    const code = await main(
      [command, ...positionals, ...remoteArgs(plane, target.url), ...options],
      io,
    );
    return [code, io];
  }

  /** Positionals first, options after the remote ones. */
  function splitArgs(args: string[]): [string[], string[]] {
    const first = args.findIndex((arg) => arg.startsWith('--'));
    return first === -1 ? [args, []] : [args.slice(0, first), args.slice(first)];
  }

  async function pushV1(): Promise<void> {
    const [code, io] = await run('push', v1File);
    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
  }

  describe('push', () => {
    it('writes a file to an empty application as revision 1, holding exactly the file', async () => {
      const [code, io] = await run('push', v1File, '--sub', 'alice');

      expect(code).toBe(0);
      const checksum = checksumOf(V1);
      const held = await heldDocument(target.store());
      expect(held).toEqual({ revision: 1, checksum, document: { ...V1 } });
      expect(io.out).toContain('applied as revision 1');
      expect(io.out).toContain(`checksum ${checksum}`);
      // Read, deliver on revision 0, then check the state: nothing else.
      expect(io.exchanges.map(({ method, path }) => `${method} ${path}`)).toEqual([
        'GET /_flags/definitions',
        'POST /_flags/deliveries',
        'GET /_flags/state',
      ]);
      expect(deliveries(io)[0].body).toMatchObject({ revision: 1 });
      expect(deliveries(io)[0].answer).toMatchObject({ status: 'applied', revision: 1 });
    });

    it('sends only the differences as a patch, logged with --sub as the actor', async () => {
      await pushV1();
      const [code, io] = await run('push', v2File, '--sub', 'alice', '--json');

      expect(code).toBe(0);
      const result = JSON.parse(io.out);
      const expected = ['$evaluators/is-staff', 'beta', 'legacy', 'search'];
      expect(result).toMatchObject({
        status: 'applied',
        delivery: 'patch',
        previousRevision: 1,
        revision: 2,
        checksum: checksumOf(V2),
      });
      expect([...result.changed].sort()).toEqual(expected);

      const [sent] = deliveries(io);
      expect(deliveries(io)).toHaveLength(1);
      expect(sent.body).toEqual({
        kind: 'patch',
        revision: 2,
        baseRevision: 1,
        upsert: { beta: V2.flags.beta, search: V2.flags.search },
        delete: ['legacy'],
        $evaluators: { 'is-staff': V2.$evaluators?.['is-staff'] },
      });
      expect(sent.sub).toBe('alice');

      const held = await heldDocument(target.store());
      expect(held).toEqual({ revision: 2, checksum: checksumOf(V2), document: { ...V2 } });
      const log = (await target.store().changes(0, 100)).filter((row) => row.revision === 2);
      expect(
        log.map((row) => (row.kind === 'evaluator' ? `$evaluators/${row.key}` : row.key)).sort(),
      ).toEqual(expected);
      for (const row of log) {
        expect(row).toMatchObject({ actor: 'alice', deliveryId: sent.jti });
      }
    });

    it('sends nothing when the application already holds the file', async () => {
      await pushV1();
      const [code, io] = await run('push', v1File);

      expect(code).toBe(0);
      expect(io.out).toContain('already holds it (revision 1)');
      expect(deliveries(io)).toEqual([]);
      expect((await target.store().state()).revision).toBe(1);
      expect(await target.store().changes(0, 100)).toHaveLength(Object.keys(V1.flags).length + 1);
    });

    it('sends the whole file with --snapshot', async () => {
      await pushV1();
      const [code, io] = await run('push', v2File, '--snapshot', '--json');

      expect(code).toBe(0);
      expect(JSON.parse(io.out)).toMatchObject({ delivery: 'snapshot', revision: 2 });
      expect(deliveries(io).map((exchange) => exchange.body)).toEqual([
        { kind: 'snapshot', revision: 2, flags: V2.flags, $evaluators: V2.$evaluators },
      ]);
      expect(await heldDocument(target.store())).toEqual({
        revision: 2,
        checksum: checksumOf(V2),
        document: { ...V2 },
      });
    });

    it('prints the planned delivery with --dry-run and sends none', async () => {
      await pushV1();
      const before = await target.store().load();
      const [code, io] = await run('push', v2File, '--dry-run');

      expect(code).toBe(0);
      expect(JSON.parse(io.out)).toMatchObject({ kind: 'patch', revision: 2, baseRevision: 1 });
      expect(deliveries(io)).toEqual([]);
      expect(await target.store().load()).toEqual(before);

      const [jsonCode, jsonIo] = await run('push', v2File, '--dry-run', '--json', '--snapshot');
      expect(jsonCode).toBe(0);
      expect(JSON.parse(jsonIo.out)).toMatchObject({
        status: 'planned',
        previousRevision: 1,
        delivery: { kind: 'snapshot', revision: 2, flags: V2.flags },
      });
      expect(deliveries(jsonIo)).toEqual([]);
      expect(await target.store().load()).toEqual(before);
    });

    it('sends a change of the metadata only as a snapshot (patches cannot carry it)', async () => {
      await pushV1();
      const tagged = plane.flagFile('v1-tagged.json', { ...V1, metadata: { environment: 'prod' } });
      const [code, io] = await run('push', tagged, '--json');

      expect(code).toBe(0);
      expect(JSON.parse(io.out)).toMatchObject({ delivery: 'snapshot', revision: 2 });
      expect(deliveries(io)[0].body).toMatchObject({
        kind: 'snapshot',
        metadata: { environment: 'prod' },
      });
      const held = await heldDocument(target.store());
      expect(held.document.metadata).toEqual({ environment: 'prod' });
      // The checksum leaves metadata out, so it still equals the file's.
      expect(held.checksum).toBe(checksumOf(V1));
    });

    it('fails when the application then reports another checksum for the revision it applied', async () => {
      const io = recordingIo();
      const forward = io.fetch;
      const wrong = 'f'.repeat(64);
      io.fetch = async (url, init) => {
        const response = await forward(url, init);
        if (!url.endsWith('/state')) return response;
        const body = (await response.json()) as { store: object };
        return Response.json({ ...body, store: { ...body.store, checksum: wrong } });
      };
      const code = await main(['push', v1File, ...remoteArgs(plane, target.url)], io);

      expect(code).toBe(1);
      expect(io.err).toContain(
        `reports checksum ${wrong} at revision 1, not the file's ${checksumOf(V1)}`,
      );
      expect(io.out).toBe('');
    });

    it('stops at a wrong audience with the application reason, changing nothing', async () => {
      await pushV1();
      const before = await target.store().load();
      const io = recordingIo();
      const args = remoteArgs(plane, target.url).map((arg) => (arg === 'shop' ? 'not-shop' : arg));
      const code = await main(['push', v2File, ...args], io);

      expect(code).toBe(1);
      expect(io.err).toContain('invalid_token');
      expect(io.err).toContain('wrong_audience');
      expect(io.out).toBe('');
      // Retrying cannot help with a 401: one request only.
      expect(io.exchanges).toHaveLength(1);
      expect(io.exchanges[0]).toMatchObject({ aud: 'not-shop', status: 401 });
      expect(await target.store().load()).toEqual(before);
    });

    it('refuses an invalid file with the JSON pointer of each problem, sending nothing', async () => {
      const broken = plane.flagFile('broken.json', {
        flags: { beta: flag('on'), x: { ...flag('on'), defaultVariant: 'maybe' } },
      });
      const [code, io] = await run('push', broken);

      expect(code).toBe(1);
      expect(io.err).toContain('/flags/x/defaultVariant');
      expect(io.exchanges).toEqual([]);
      expect((await target.store().state()).revision).toBe(0);
    });

    it.each([['not a url'], ['ftp://127.0.0.1/_flags'], ['']])(
      'refuses --url %j as a usage error, sending nothing',
      async (url) => {
        const io = recordingIo();
        const args = remoteArgs(plane, url);
        const code = await main(['push', v1File, ...args], io);
        expect(code).toBe(2);
        expect(io.err).toMatch(/--url/);
        expect(io.exchanges).toEqual([]);
      },
    );
  });

  describe('state', () => {
    it('prints the store and the instance, each with its revision and checksum', async () => {
      await pushV1();
      const [code, io] = await run('state');

      expect(code).toBe(0);
      const checksum = checksumOf(V1);
      const flags = Object.keys(V1.flags).length;
      expect(io.out).toMatch(
        new RegExp(`^store: revision 1, ${flags} flags, checksum ${checksum}, updated `, 'm'),
      );
      expect(io.out).toMatch(
        new RegExp(`^instance: revision 1, ${flags} flags, checksum ${checksum}, from store`, 'm'),
      );
    });

    it('exits 0 with --expect of the file the application holds, 1 with DRIFT for another', async () => {
      await pushV1();
      const [same, sameIo] = await run('state', '--expect', v1File);
      expect(same).toBe(0);
      expect(sameIo.out).toContain(`both hold ${v1File} (checksum ${checksumOf(V1)})`);

      const [other, otherIo] = await run('state', '--expect', v2File);
      expect(other).toBe(1);
      expect(otherIo.out).toContain('DRIFT');
      expect(otherIo.out).toContain(`checksum ${checksumOf(V2)}`);

      const [json, jsonIo] = await run('state', '--expect', v2File, '--json');
      expect(json).toBe(1);
      expect(JSON.parse(jsonIo.out)).toMatchObject({
        store: { revision: 1, checksum: checksumOf(V1) },
        instance: { revision: 1, checksum: checksumOf(V1) },
        expected: { file: v2File, checksum: checksumOf(V2) },
        drift: ['store', 'instance'],
      });

      const [sameJson, sameJsonIo] = await run('state', '--expect', v1File, '--json');
      expect(sameJson).toBe(0);
      expect(JSON.parse(sameJsonIo.out).drift).toEqual([]);
    });

    it('reports drift on an application never written', async () => {
      const [code, io] = await run('state', '--expect', v1File, '--json');
      expect(code).toBe(1);
      expect(JSON.parse(io.out)).toMatchObject({
        store: { revision: 0, flagCount: 0 },
        drift: ['store', 'instance'],
      });
    });
  });

  describe('evaluate', () => {
    const targeted = plane.flagFile('targeted.json', {
      flags: {
        beta: flag('on'),
        greeting: {
          state: 'ENABLED',
          variants: { on: 'hello', off: 'bye' },
          defaultVariant: 'off',
          targeting: { if: [{ '==': [{ var: 'targetingKey' }, 'u1'] }, 'on', 'off'] },
        },
      },
    });

    beforeEach(async () => {
      const [code, io] = await run('push', targeted);
      expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
    });

    it('prints the value, variant and reason of one flag for a context', async () => {
      const [code, io] = await run('evaluate', 'greeting', '--context', '{"targetingKey":"u1"}');
      expect(code).toBe(0);
      expect(io.out).toBe('greeting = "hello" (variant on, reason TARGETING_MATCH)\n');
      expect(io.err).toBe('revision 1\n');
      expect(io.exchanges[0].body).toEqual({
        context: { targetingKey: 'u1' },
        flags: ['greeting'],
      });

      const [other, otherIo] = await run(
        'evaluate',
        'greeting',
        '--context',
        '{"targetingKey":"u2"}',
        '--json',
      );
      expect(other).toBe(0);
      expect(JSON.parse(otherIo.out)).toEqual({
        revision: 1,
        results: { greeting: { value: 'bye', variant: 'off', reason: 'TARGETING_MATCH' } },
      });
    });

    it('evaluates every flag without a key', async () => {
      const [code, io] = await run('evaluate', '--context', '{"targetingKey":"u1"}');
      expect(code).toBe(0);
      expect(io.out.trim().split('\n').sort()).toEqual([
        'beta = true (variant on, reason STATIC)',
        'greeting = "hello" (variant on, reason TARGETING_MATCH)',
      ]);
    });

    it('exits 1 for a key the application does not know', async () => {
      const [code, io] = await run('evaluate', 'gretting', '--context', '{}');
      expect(code).toBe(1);
      expect(io.out).toContain('gretting');
      expect(io.out).toContain('FLAG_NOT_FOUND');
    });

    it.each([['{targetingKey:u1}'], ['["u1"]'], ['null']])(
      'refuses --context %j as a usage error, sending nothing',
      async (context) => {
        const [code, io] = await run('evaluate', 'greeting', '--context', context);
        expect(code).toBe(2);
        expect(io.err).toContain('--context');
        expect(io.exchanges).toEqual([]);
      },
    );
  });
});

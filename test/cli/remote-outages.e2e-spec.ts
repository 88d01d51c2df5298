import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { InMemoryFlagStore } from '../../lib';
import type { FlagSetDocument } from '../../lib';
import { DEFAULT_RETRY } from '../../lib/cli/flags-client';
import { SIGNED_MEDIA_TYPE } from '../../lib/webhook/webhook.constants';
import { main } from '../../lib/cli/main';
import { ControllableStore } from '../module/controllable.store';
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
 * `hybrid-flags push` when it is not alone: another writer moving the revision, a database that
 * is down for a while or for good, and an application nobody answers for.
 */

const plane = controlPlane();

const stable = Object.fromEntries(
  Array.from({ length: 6 }, (_, i) => [`stable-${i}`, flag(i % 2 === 0 ? 'on' : 'off')]),
);
const V1: FlagSetDocument = { flags: { beta: flag('on'), ...stable } };
const V2: FlagSetDocument = { flags: { beta: flag('off'), search: flag('on'), ...stable } };
const v1File = plane.flagFile('v1.json', V1);
const v2File = plane.flagFile('v2.json', V2);
const V3: FlagSetDocument = { flags: { beta: flag('off'), ...stable } };
const v3File = plane.flagFile('v3.json', V3);

const INTRUDER = flag('on', { metadata: { owner: 'someone else' } });

/** Every jti is used once: a retried request must carry a new token. */
function expectDistinctJtis(io: RecordingIo): void {
  const jtis = io.exchanges.map((exchange) => exchange.jti);
  expect(jtis.every((jti) => typeof jti === 'string' && jti.length > 0)).toBe(true);
  expect(new Set(jtis).size).toBe(jtis.length);
}

/** The requests the CLI sent, as "METHOD /path -> status". */
const trace = (io: RecordingIo) =>
  io.exchanges.map(
    ({ method, path, status }) =>
      `${method} ${path.replace('/_flags/', '')} -> ${status ?? 'no answer'}`,
  );

async function push(target: FlagsApp, io: RecordingIo, file: string, ...extra: string[]) {
  return main(['push', file, ...remoteArgs(plane, target.url, ...extra)], io);
}

describe('hybrid-flags push with other writers', () => {
  it('reads again and patches the new revision when another writer took its revision first', async () => {
    const target = await startFlagsApp(plane);
    try {
      expect(await push(target, recordingIo(), v1File)).toBe(0);
      const io = recordingIo();
      let other: Response | undefined;
      io.beforeForward = async (exchange) => {
        if (other !== undefined || exchange.path !== '/_flags/deliveries') return;
        // Another control plane delivers revision 2 just before the CLI's patch arrives.
        const body = JSON.stringify({
          kind: 'patch',
          revision: 2,
          baseRevision: 1,
          upsert: { intruder: INTRUDER },
        });
        other = await fetch(`${target.url}/deliveries`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${plane.token(body)}`,
            'content-type': SIGNED_MEDIA_TYPE,
          },
          body,
        });
        expect(await other.json()).toMatchObject({ status: 'applied', revision: 2 });
      };

      const code = await push(target, io, v2File, '--json', '--sub', 'alice');

      expect(code).toBe(0);
      // The CLI's patch on revision 1 lost its revision: the application answers it unchanged
      // (see docs/protocol.md, step 3), and the CLI starts again from what the store holds.
      expect(trace(io)).toEqual([
        'GET definitions -> 200',
        'POST deliveries -> 200',
        'GET definitions -> 200',
        'POST deliveries -> 200',
        'GET state -> 200',
      ]);
      const [lost, won] = deliveries(io);
      expect(lost.answer).toEqual({ status: 'unchanged', revision: 2 });
      expect(won.body).toMatchObject({ kind: 'patch', revision: 3, baseRevision: 2 });
      expect(won.body).toMatchObject({ delete: ['intruder'] });
      expect(JSON.parse(io.out)).toMatchObject({
        status: 'applied',
        previousRevision: 2,
        revision: 3,
        checksum: checksumOf(V2),
      });
      expect(io.err).toContain('another writer changed the flags meanwhile');
      expect(await heldDocument(target.store())).toEqual({
        revision: 3,
        checksum: checksumOf(V2),
        document: { ...V2, $evaluators: {} },
      });
      expectDistinctJtis(io);
    } finally {
      await target.close();
    }
  });

  it('answers a revision conflict with a snapshot on the reported revision + 1', async () => {
    // The store is restored from an older backup between the CLI's read and its delivery: the
    // patch's base is gone, and the application answers 409 with the revision it holds now.
    const store = new ControllableStore();
    const target = await startFlagsApp(plane, store);
    try {
      expect(await push(target, recordingIo(), v1File)).toBe(0);
      const held = await store.inner.load();
      const backup = new InMemoryFlagStore();
      await backup.apply({
        baseRevision: 0,
        revision: held.revision,
        checksum: held.checksum,
        upsertFlags: held.flags,
        deleteFlags: [],
        upsertEvaluators: held.evaluators,
        deleteEvaluators: [],
        at: new Date(),
      });
      expect(await push(target, recordingIo(), v2File)).toBe(0);
      const io = recordingIo();
      io.beforeForward = (exchange) => {
        if (exchange.method === 'POST' && store.inner !== backup) {
          (store as { inner: InMemoryFlagStore }).inner = backup;
        }
      };

      const code = await push(target, io, v3File, '--json');

      expect(code).toBe(0);
      expect(trace(io)).toEqual([
        'GET definitions -> 200',
        'POST deliveries -> 409',
        'POST deliveries -> 200',
        'GET state -> 200',
      ]);
      const [patch, snapshot] = deliveries(io);
      expect(patch.body).toMatchObject({ kind: 'patch', revision: 3, baseRevision: 2 });
      expect(patch.answer).toEqual({ error: 'revision_conflict', currentRevision: 1 });
      expect(snapshot.body).toEqual({
        kind: 'snapshot',
        revision: 2,
        flags: V3.flags,
        $evaluators: {},
      });
      expect(io.err).toContain('the application moved to revision 1; sending a snapshot');
      const result = JSON.parse(io.out);
      expect(result).toMatchObject({ status: 'applied', delivery: 'snapshot', revision: 2 });
      expect(result.changed).toEqual(['beta']);
      expect(await heldDocument(backup)).toEqual({
        revision: 2,
        checksum: checksumOf(V3),
        document: { ...V3, $evaluators: {} },
      });
      expectDistinctJtis(io);
    } finally {
      await target.close();
    }
  });
});

describe('hybrid-flags push while the database is down', () => {
  let store: ControllableStore;
  let target: FlagsApp;

  beforeEach(async () => {
    store = new ControllableStore();
    target = await startFlagsApp(plane, store);
    expect(await push(target, recordingIo(), v1File)).toBe(0);
  });

  afterEach(() => target.close());

  /** The database comes back after the CLI waited `waits` times. */
  function backAfter(io: RecordingIo, waits: number): void {
    io.sleep = async (ms) => {
      io.sleeps.push(ms);
      if (io.sleeps.length === waits) store.mode = 'up';
    };
  }

  it('waits as the read answers 503 tell it (Retry-After), then pushes once it is back', async () => {
    store.mode = 'down';
    const io = recordingIo();
    backAfter(io, 2);

    const code = await push(target, io, v2File);

    expect(code).toBe(0);
    expect(trace(io)).toEqual([
      'GET definitions -> 503',
      'GET definitions -> 503',
      'GET definitions -> 200',
      'POST deliveries -> 200',
      'GET state -> 200',
    ]);
    expect(io.exchanges[0].answer).toMatchObject({ error: 'store_unavailable' });
    expect(io.sleeps).toEqual([5000, 5000]);
    expect(io.err.match(/retrying in \d+ ms/g)).toHaveLength(2);
    expect(io.out).toContain('applied as revision 2');
    expect(await heldDocument(store)).toEqual({
      revision: 2,
      checksum: checksumOf(V2),
      document: { ...V2, $evaluators: {} },
    });
    expectDistinctJtis(io);
  });

  it('sends the same delivery again with a new token after a 503, following Retry-After', async () => {
    const io = recordingIo();
    io.beforeForward = (exchange) => {
      if (exchange.path === '/_flags/deliveries' && deliveries(io).length === 1) {
        store.mode = 'down';
      }
    };
    backAfter(io, 2);

    const code = await push(target, io, v2File);

    expect(code).toBe(0);
    const sent = deliveries(io);
    expect(sent.map((exchange) => exchange.status)).toEqual([503, 503, 200]);
    expect(sent[1].body).toEqual(sent[0].body);
    expect(sent[2].body).toEqual(sent[0].body);
    // The application answers Retry-After: 5.
    expect(io.sleeps).toEqual([5000, 5000]);
    expectDistinctJtis(io);
    const log = (await store.changes(0, 100)).filter((row) => row.revision === 2);
    expect(log.map((row) => row.key).sort()).toEqual(['beta', 'search']);
    expect(log.every((row) => row.deliveryId === sent[2].jti)).toBe(true);
    expect((await heldDocument(store)).checksum).toBe(checksumOf(V2));
  });

  it('gives up after a bounded number of attempts with the application reason', async () => {
    store.mode = 'down';
    const io = recordingIo();

    const code = await push(target, io, v2File);

    expect(code).toBe(1);
    expect(io.err).toContain('HTTP 503 store_unavailable');
    expect(io.exchanges).toHaveLength(DEFAULT_RETRY.attempts);
    expect(deliveries(io)).toEqual([]);
    expect(io.sleeps).toHaveLength(DEFAULT_RETRY.attempts - 1);
    for (let i = 1; i < io.sleeps.length; i++) {
      expect(io.sleeps[i]).toBeGreaterThanOrEqual(io.sleeps[i - 1]);
      expect(io.sleeps[i]).toBeLessThanOrEqual(DEFAULT_RETRY.maxDelayMs);
    }
    expectDistinctJtis(io);
    store.mode = 'up';
    expect((await store.state()).revision).toBe(1);
  });

  it('state still reports the instance, and drift of the store it cannot read', async () => {
    store.mode = 'down';
    const io = recordingIo();
    const code = await main(['state', ...remoteArgs(plane, target.url, '--expect', v1File)], io);

    expect(code).toBe(1);
    expect(io.out).toContain('store: unavailable');
    expect(io.out).toMatch(new RegExp(`^instance: revision 1, .*checksum ${checksumOf(V1)}`, 'm'));
    expect(io.out).toContain('DRIFT: the store does not hold');
  });
});

/**
 * A port nothing listens on. It is taken below the ephemeral range, so that no application another
 * test starts on port 0 gets it meanwhile, and no outgoing connection connects to itself.
 */
async function closedPort(): Promise<number> {
  let ephemeralStart = 32768;
  try {
    ephemeralStart = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
  } catch {
    // not Linux: keep the usual start of the range
  }
  if (!Number.isInteger(ephemeralStart) || ephemeralStart < 10_000) ephemeralStart = 32768;
  for (;;) {
    const candidate = ephemeralStart - 1 - Math.floor(Math.random() * 8000);
    const probe = createServer();
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(candidate, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => probe.close(resolve));
      return candidate;
    }
  }
}

describe('hybrid-flags push to an application nobody answers for', () => {
  it('exits 1 saying it cannot reach the URL, after a bounded number of attempts', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/_flags`;
    const io = recordingIo();

    const code = await main(['push', v1File, ...remoteArgs(plane, url)], io);

    expect(code).toBe(1);
    expect(io.err).toContain(`cannot reach ${url}/definitions`);
    expect(io.err).toContain('ECONNREFUSED');
    expect(io.exchanges).toHaveLength(DEFAULT_RETRY.attempts);
    expect(io.exchanges.every((exchange) => exchange.status === undefined)).toBe(true);
    expect(io.sleeps).toHaveLength(DEFAULT_RETRY.attempts - 1);
    for (let i = 1; i < io.sleeps.length; i++) {
      expect(io.sleeps[i]).toBeGreaterThan(io.sleeps[i - 1]);
    }
    expectDistinctJtis(io);
  });
});

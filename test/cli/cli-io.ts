import { type CliIo, nodeFiles } from '../../lib/cli/io';

/** An IO for calling commands directly: real files, captured output, a fixed clock. */
export interface CapturedIo extends CliIo {
  out: string;
  err: string;
  /** Every wait a command asked for, in milliseconds. */
  sleeps: number[];
  /** Asks a long-running command (`ui`) to stop, as Ctrl+C would. */
  stop(): void;
}

export function captureIo(stdin: string | Buffer = '', now = 1_800_000_000): CapturedIo {
  let stop = () => undefined as void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const io: CapturedIo = {
    ...nodeFiles,
    out: '',
    err: '',
    readStdin: async () => Buffer.from(stdin),
    stdout: (text) => {
      io.out += text;
    },
    stderr: (text) => {
      io.err += text;
    },
    nowSeconds: () => now,
    fetch: (url, init) => fetch(url, init),
    sleeps: [],
    sleep: async (ms) => {
      io.sleeps.push(ms);
    },
    stopRequested: () => stopped,
    stop: () => stop(),
  };
  return io;
}

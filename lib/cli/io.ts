import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';

/** One entry of a folder; symbolic links are `other`, so a walk never loops. @internal */
export interface DirectoryEntry {
  name: string;
  kind: 'file' | 'directory' | 'other';
}

/**
 * Everything a command touches outside itself, so tests can call commands directly.
 * @internal
 */
export interface CliIo {
  /** The whole of standard input, as the exact bytes received. */
  readStdin(): Promise<Buffer>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The current time in Unix seconds. */
  nowSeconds(): number;
  readFile(path: string): Buffer;
  /** The entries of a folder; throws when it cannot be read (missing, not a folder). */
  listDirectory(path: string): DirectoryEntry[];
  exists(path: string): boolean;
  makeDirectory(path: string): void;
  /** Writes a file that must not exist yet, with exactly the given mode. */
  writeNewFile(path: string, data: string, mode: number): void;
  /** Sends an HTTP request (the global fetch of Node 20). */
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** Waits before a retry. */
  sleep(ms: number): Promise<void>;
  /** Settles when the person asks a long-running command to stop (Ctrl+C, or SIGTERM). */
  stopRequested(): Promise<void>;
}

/** The file-system half of the real IO, also used by tests with captured output. @internal */
export const nodeFiles: Pick<
  CliIo,
  'readFile' | 'listDirectory' | 'exists' | 'makeDirectory' | 'writeNewFile'
> = {
  readFile: (path) => readFileSync(path),
  listDirectory: (path) =>
    readdirSync(path, { withFileTypes: true }).map((entry) => ({
      name: entry.name,
      kind: entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other',
    })),
  exists: (path) => existsSync(path),
  makeDirectory: (path) => {
    mkdirSync(path, { recursive: true });
  },
  writeNewFile: (path, data, mode) => {
    writeFileSync(path, data, { mode, flag: 'wx' });
    chmodSync(path, mode); // the umask may have removed bits
  },
};

async function readAll(stream: NodeJS.ReadStream): Promise<Buffer> {
  // An interactive terminal sends nothing unless typed: treat it as an empty body.
  if (stream.isTTY) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks);
}

/** The real process. @internal */
export function processIo(): CliIo {
  return {
    ...nodeFiles,
    readStdin: () => readAll(process.stdin),
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    nowSeconds: () => Math.floor(Date.now() / 1000),
    fetch: (url, init) => fetch(url, init),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    stopRequested: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

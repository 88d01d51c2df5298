/*
 * The TCP connections a process holds to a server port, read from /proc (Linux): the
 * process's socket inodes (/proc/<pid>/fd) matched with the kernel's connection tables
 * (/proc/net/tcp, tcp6). Lets the fleet benchmark tell its own instances' connections from
 * anyone else's on a shared server.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One established connection, by its ports (the client's own port names it on loopback). */
export interface ProcessConnection {
  localPort: number;
  remotePort: number;
}

const ESTABLISHED = '01';

/** `0100007F:1538`, or an IPv6 address and port, as /proc/net/tcp* prints them: the port. */
const port = (hex: string) => parseInt(hex.split(':')[1], 16);

/** Established connections of the machine's network namespace, by socket inode. */
function connectionsByInode(): Map<string, ProcessConnection> {
  const byInode = new Map<string, ProcessConnection>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== ESTABLISHED) continue;
      byInode.set(fields[9], { localPort: port(fields[1]), remotePort: port(fields[2]) });
    }
  }
  return byInode;
}

/** The established connections each process in `pids` holds to `remotePort`, by pid. */
export function connectionsTo(
  pids: number[],
  remotePort: number,
): Map<number, ProcessConnection[]> {
  const byInode = connectionsByInode();
  const result = new Map<number, ProcessConnection[]>();
  for (const pid of pids) {
    const held: ProcessConnection[] = [];
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      // exited
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const connection = inode === undefined ? undefined : byInode.get(inode);
      if (connection?.remotePort === remotePort) held.push(connection);
    }
    result.set(pid, held);
  }
  return result;
}

import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';

/**
 * How the proxy treats traffic, as the network or the database host would fail:
 * - `pass`: forwards everything;
 * - `refuse`: resets every open connection and every new one (a host that went away);
 * - `blackhole`: accepts connections and holds every byte both ways, answering nothing (a hung
 *   network, a frozen primary, a half-dead load balancer); what it held goes through once the fault
 *   changes, as TCP delivers what it retransmitted once a partition heals;
 * - `latency`: forwards each chunk after `ms`;
 * - `reset`: forwards the next chunk a client sends, then resets that connection (a connection
 *   lost mid-query);
 * - `trickle`: forwards what the server sends one byte every `ms` (a degraded link).
 */
export type ProxyFault =
  | { kind: 'pass' }
  | { kind: 'refuse' }
  | { kind: 'blackhole' }
  | { kind: 'latency'; ms: number }
  | { kind: 'reset' }
  | { kind: 'trickle'; ms: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy on loopback between an application and its database (or Redis), whose faults a
 * test switches at any moment; each connection follows the fault of the moment, chunk by chunk.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private fault: ProxyFault = { kind: 'pass' };
  /** Resolves when the current blackhole ends. */
  private healed: Promise<void> = Promise.resolve();
  private heal: () => void = () => undefined;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  /** Starts listening; returns the proxy's port. */
  async listen(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** Switches the fault; `refuse` also resets the connections already open. */
  set(fault: ProxyFault): void {
    const wasBlackhole = this.fault.kind === 'blackhole';
    this.fault = fault;
    if (fault.kind === 'blackhole' && !wasBlackhole) {
      this.healed = new Promise((resolve) => (this.heal = resolve));
    } else if (fault.kind !== 'blackhole' && wasBlackhole) {
      this.heal();
    }
    if (fault.kind === 'refuse') {
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    }
  }

  /** The fault of the moment. */
  get current(): ProxyFault {
    return this.fault;
  }

  /** Resets every connection, and refuses new ones until `restore()`. */
  cut(): void {
    this.set({ kind: 'refuse' });
  }

  /** Forwards everything again. */
  restore(): void {
    this.set({ kind: 'pass' });
  }

  /** Connections open through the proxy now. */
  get openConnections(): number {
    return this.sockets.size / 2;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private accept(client: Socket): void {
    if (this.fault.kind === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        end();
      });
      socket.on('error', end);
    }
    this.forward(client, upstream, 'request', end);
    this.forward(upstream, client, 'answer', end);
  }

  /** Copies `from` to `to` chunk by chunk, in order, each as the fault of its moment says. */
  private forward(from: Socket, to: Socket, direction: 'request' | 'answer', end: () => void) {
    let queue = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      queue = queue.then(async () => {
        while (this.fault.kind === 'blackhole') await this.healed;
        const fault = this.fault;
        switch (fault.kind) {
          case 'refuse':
            end();
            return;
          case 'latency':
            await sleep(fault.ms);
            break;
          case 'reset':
            if (direction === 'request') {
              if (!to.destroyed) to.write(chunk);
              end();
              return;
            }
            break;
          case 'trickle':
            if (direction === 'answer') {
              // Byte by byte while the link is degraded; the rest at once when it recovers.
              let sent = 0;
              while (sent < chunk.length && this.fault.kind === 'trickle') {
                await sleep(fault.ms);
                if (to.destroyed) return;
                to.write(chunk.subarray(sent, ++sent));
              }
              if (sent < chunk.length && !to.destroyed) to.write(chunk.subarray(sent));
              return;
            }
            break;
          default:
            break;
        }
        if (!to.destroyed) to.write(chunk);
      });
    });
  }
}

/** Names of this machine's loopback interface. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Where the example app listens: loopback unless HOST says otherwise (HOST=0.0.0.0 for a
 * container), so a developer's machine does not serve the network by accident.
 */
export function listenHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOST || '127.0.0.1';
}

/** Whether only this machine can reach the app. */
export function listensOnLoopback(env: NodeJS.ProcessEnv = process.env): boolean {
  return LOOPBACK.has(listenHost(env));
}

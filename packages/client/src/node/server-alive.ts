/**
 * ssh_config(5) ServerAliveInterval / ServerAliveCountMax: while the connection is quiet, a
 * `keepalive@openssh.com` global request every interval (OpenSSH PROTOCOL §2.2 style; a server
 * answers unknown requests with failure, and any answer counts); after CountMax unanswered ones
 * the server is declared gone.
 */
import type { Client } from './client.js';

/** Starts the probes; returns the function that stops them. `onTimeout` runs once, when they fail. */
export function startServerAlive(
  client: Client,
  intervalMs: number,
  countMax: number,
  onTimeout: () => void,
): () => void {
  if (intervalMs <= 0) return () => {};
  let unanswered = 0;
  const timer = setInterval(() => {
    if (unanswered >= countMax) {
      clearInterval(timer);
      onTimeout();
      return;
    }
    unanswered++;
    client.globalRequest('keepalive@openssh.com').then(
      () => {
        unanswered = 0;
      },
      () => {},
    );
  }, intervalMs);
  // The probes alone never keep the program running.
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Structure-aware fuzzing of a whole Seashell connection, server and client side: a scripted peer
 * finishes a real key exchange, then sends a mutated login-and-session script (messages dropped,
 * duplicated, swapped, truncated, bit-flipped, injected). Whatever it sends, our side must never
 * throw, must end (if it ends) with a typed SshError, must keep its memory bounded, and — server
 * side — must never let a channel reach the application before a password it accepted.
 *
 * Runs bounded inside `pnpm test`; `pnpm fuzz` runs the same properties for as long as
 * FUZZ_RUNS says, with a fresh seed printed for replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyDeclaredMessage,
  mutate,
  mutation,
  rawMessage,
  validClientScript,
  validServerScript,
} from './support/messages.js';
import { clientRig, serverRig } from './support/scripted.js';

const runs = Number(process.env.FUZZ_RUNS ?? 150);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 4254;
const params = { numRuns: runs, seed, endOnFailure: true };
if (process.env.FUZZ_RUNS)
  console.log(`fuzz: ${runs} runs per property, seed ${seed} (FUZZ_SEED=${seed} replays)`);

describe('a scripted client against ServerConnection', () => {
  it('the unmutated script logs in and runs exec (so the properties below can fail)', () => {
    const rig = serverRig('sanity');
    for (const m of validClientScript()) rig.send(m);
    const types = rig.events.map((e) => e.type);
    expect(types).toContain('auth-success');
    expect(rig.events.some((e) => e.type === 'channel-request' && e.requestType === 'exec')).toBe(true);
    expect(rig.closed).toBe(false);
  });

  it('survives any mutation of the script, and no channel precedes authentication', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.nat(), (mutations, n) => {
        const rig = serverRig(`server-${n % 8}`);
        for (const m of mutate(validClientScript(), mutations)) {
          rig.send(m);
          if (rig.closed) break;
        }
        const firstChannel = rig.events.findIndex((e) => e.type.startsWith('channel-'));
        const success = rig.events.findIndex((e) => e.type === 'auth-success');
        if (firstChannel >= 0) expect(success).toBeGreaterThanOrEqual(0);
        if (firstChannel >= 0) expect(success).toBeLessThan(firstChannel);
      }),
      params,
    );
  });

  it('survives arbitrary declared and raw messages after a valid login', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(anyDeclaredMessage, rawMessage), { maxLength: 12 }),
        fc.nat(),
        (messages, n) => {
          const rig = serverRig(`server-raw-${n % 8}`);
          for (const m of validClientScript().slice(0, 4)) rig.send(m);
          for (const m of messages) {
            rig.send(m);
            if (rig.closed) break;
          }
        },
      ),
      params,
    );
  });
});

describe('a scripted server against ClientConnection', () => {
  it('the unmutated script authenticates the client', () => {
    const rig = clientRig('sanity');
    for (const m of validServerScript()) rig.send(m);
    expect(rig.events.map((e) => e.type)).toContain('auth-success');
  });

  it('survives any mutation of the script', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.nat(), (mutations, n) => {
        const rig = clientRig(`client-${n % 8}`);
        for (const m of mutate(validServerScript(), mutations)) {
          rig.send(m);
          if (rig.closed) break;
        }
      }),
      params,
    );
  });
});

/**
 * Message generators for the fuzz rigs: a valid client script (service request, password login,
 * a session with exec and data), every declared message of RFC 4252/4254 with arbitrary fields,
 * raw bytes, and the mutations applied to a script — drop, duplicate, swap, truncate, flip a
 * byte, inject.
 */

import * as auth from '@seashell/auth';
import { UserauthRequest } from '@seashell/auth';
import { CONNECTION_MESSAGES, encodeSessionRequest } from '@seashell/connection';
import { Debug, Ignore, ServiceAccept, ServiceRequest, SshWriter, Unimplemented } from '@seashell/transport';
import fc from 'fast-check';
import { arbitraryFields } from '../../../packages/transport/test/support/arbitraries.js';

const enc = new TextEncoder();

function channelRequest(channel: number, type: string, wantReply: boolean, data: Uint8Array): Uint8Array {
  return new SshWriter().byte(98).uint32(channel).string(type).boolean(wantReply).raw(data).bytes();
}

/** What a well-behaved client sends to log in with password `pw` and run `cat` with some input. */
export function validClientScript(): Uint8Array[] {
  return [
    ServiceRequest.encode({ service: 'ssh-userauth' }),
    UserauthRequest.encode({
      user: 'u',
      service: 'ssh-connection',
      method: 'none',
      methodData: new Uint8Array(0),
    }),
    UserauthRequest.encode({
      user: 'u',
      service: 'ssh-connection',
      method: 'password',
      methodData: new SshWriter().boolean(false).string('pw').bytes(),
    }),
    new SshWriter()
      .byte(90)
      .string('session')
      .uint32(0)
      .uint32(1 << 20)
      .uint32(32768)
      .bytes(),
    channelRequest(0, 'env', false, encodeSessionRequest('env', { name: 'LANG', value: 'C' })),
    channelRequest(
      0,
      'pty-req',
      true,
      encodeSessionRequest('pty-req', {
        term: 'xterm',
        columns: 80,
        rows: 24,
        widthPixels: 0,
        heightPixels: 0,
        modes: new Map([[53, 0]]),
      }),
    ),
    channelRequest(0, 'exec', true, encodeSessionRequest('exec', { command: 'cat' })),
    new SshWriter().byte(94).uint32(0).string(enc.encode('hello')).bytes(),
    new SshWriter().byte(93).uint32(0).uint32(4096).bytes(),
    new SshWriter().byte(96).uint32(0).bytes(),
    new SshWriter().byte(97).uint32(0).bytes(),
  ];
}

/** A server's messages to a client: service accept, auth replies, and channel traffic. */
export function validServerScript(): Uint8Array[] {
  return [
    ServiceAccept.encode({ service: 'ssh-userauth' }),
    new SshWriter().byte(51).nameList(['publickey', 'password']).boolean(false).bytes(),
    new SshWriter().byte(53).string('banner\n').string('').bytes(),
    new Uint8Array([52]),
    new SshWriter().byte(80).string('hostkeys-00@openssh.com').boolean(false).bytes(),
    new SshWriter()
      .byte(91)
      .uint32(0)
      .uint32(0)
      .uint32(1 << 20)
      .uint32(32768)
      .bytes(),
    new SshWriter().byte(94).uint32(0).string(enc.encode('out')).bytes(),
    new SshWriter().byte(95).uint32(0).uint32(1).string(enc.encode('err')).bytes(),
    channelRequest(0, 'exit-status', false, encodeSessionRequest('exit-status', { exitStatus: 0 })),
    new SshWriter().byte(96).uint32(0).bytes(),
    new SshWriter().byte(97).uint32(0).bytes(),
  ];
}

/** RFC 4252 messages only (the auth package also declares the agent protocol's). */
const authTable = Object.values(auth).filter(
  (m): m is typeof UserauthRequest =>
    typeof m === 'object' &&
    m !== null &&
    'number' in m &&
    'fields' in m &&
    String(m.name).startsWith('SSH_MSG_USERAUTH'),
);
const tables = [...CONNECTION_MESSAGES, ...authTable];

/** Any declared message with arbitrary field values, or a transport generic message. */
export const anyDeclaredMessage: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .constantFrom(...tables)
    .chain((spec) =>
      arbitraryFields(spec.fields).map((v) => (spec as typeof UserauthRequest).encode(v as never)),
    ),
  fc.uint8Array({ maxLength: 32 }).map((data) => Ignore.encode({ data })),
  fc
    .tuple(fc.boolean(), fc.uint8Array({ maxLength: 32 }))
    .map(([alwaysDisplay, message]) => Debug.encode({ alwaysDisplay, message, language: new Uint8Array(0) })),
  fc.nat().map((sequence) => Unimplemented.encode({ sequence: sequence >>> 0 })),
);

/** A type byte outside the key exchange range (20–49 belong to the transport's own machine) and junk. */
export const rawMessage: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.integer({ min: 0, max: 255 }).filter((t) => t < 20 || t > 49),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(([type, body]) => new Uint8Array([type, ...body]));

export type Mutation =
  | { readonly kind: 'drop'; readonly at: number }
  | { readonly kind: 'duplicate'; readonly at: number }
  | { readonly kind: 'swap'; readonly at: number; readonly with: number }
  | { readonly kind: 'truncate'; readonly at: number; readonly length: number }
  | { readonly kind: 'flip'; readonly at: number; readonly offset: number; readonly xor: number }
  | { readonly kind: 'inject'; readonly at: number; readonly message: Uint8Array };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat(20).map((at) => ({ kind: 'drop' as const, at })),
  fc.nat(20).map((at) => ({ kind: 'duplicate' as const, at })),
  fc.tuple(fc.nat(20), fc.nat(20)).map(([at, w]) => ({ kind: 'swap' as const, at, with: w })),
  fc.tuple(fc.nat(20), fc.nat(64)).map(([at, length]) => ({ kind: 'truncate' as const, at, length })),
  fc
    .tuple(fc.nat(20), fc.nat(64), fc.integer({ min: 1, max: 255 }))
    .map(([at, offset, xor]) => ({ kind: 'flip' as const, at, offset, xor })),
  fc
    .tuple(fc.nat(20), fc.oneof(anyDeclaredMessage, rawMessage))
    .map(([at, message]) => ({ kind: 'inject' as const, at, message })),
);

/** Applies mutations in order; messages never shrink to nothing (a packet needs a type byte). */
export function mutate(script: readonly Uint8Array[], mutations: readonly Mutation[]): Uint8Array[] {
  const out: Uint8Array[] = script.map((m) => m.slice());
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    switch (m.kind) {
      case 'drop':
        out.splice(at, 1);
        break;
      case 'duplicate':
        if (out[at]) out.splice(at, 0, out[at]!.slice());
        break;
      case 'swap': {
        const j = out.length === 0 ? 0 : m.with % out.length;
        if (out[at] && out[j]) [out[at], out[j]] = [out[j]!, out[at]!];
        break;
      }
      case 'truncate':
        if (out[at]) out[at] = out[at]!.subarray(0, Math.max(1, m.length));
        break;
      case 'flip':
        if (out[at] && out[at]!.length > 0) out[at]![m.offset % out[at]!.length]! ^= m.xor;
        break;
      case 'inject':
        out.splice(at, 0, m.message);
        break;
    }
  }
  return out.filter((m) => m.length > 0);
}

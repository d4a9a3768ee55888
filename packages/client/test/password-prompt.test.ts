/** ssh(1) ENVIRONMENT: SSH_ASKPASS, SSH_ASKPASS_REQUIRE, DISPLAY. */
import { describe, expect, it } from 'vitest';
import { choosePasswordSource } from '../src/node/password-prompt.js';

describe('where a password comes from', () => {
  it('asks on the terminal by default, even with DISPLAY set', () => {
    expect(choosePasswordSource({ DISPLAY: ':0', SSH_ASKPASS: '/bin/ap' }, true)).toEqual({
      kind: 'terminal',
    });
  });

  it('uses SSH_ASKPASS without a terminal only when DISPLAY is set', () => {
    expect(choosePasswordSource({ DISPLAY: ':0', SSH_ASKPASS: '/bin/ap' }, false)).toEqual({
      kind: 'askpass',
      program: '/bin/ap',
    });
    expect(choosePasswordSource({ SSH_ASKPASS: '/bin/ap' }, false)).toEqual({ kind: 'none' });
  });

  it('force always uses the program; prefer needs DISPLAY; never never does', () => {
    expect(
      choosePasswordSource({ SSH_ASKPASS_REQUIRE: 'force', SSH_ASKPASS: '/bin/ap' }, true),
    ).toMatchObject({
      kind: 'askpass',
    });
    expect(choosePasswordSource({ SSH_ASKPASS_REQUIRE: 'prefer', SSH_ASKPASS: '/bin/ap' }, true)).toEqual({
      kind: 'terminal',
    });
    expect(
      choosePasswordSource(
        { SSH_ASKPASS_REQUIRE: 'prefer', WAYLAND_DISPLAY: 'w', SSH_ASKPASS: '/bin/ap' },
        true,
      ),
    ).toMatchObject({ kind: 'askpass' });
    expect(choosePasswordSource({ SSH_ASKPASS_REQUIRE: 'never', DISPLAY: ':0' }, false)).toEqual({
      kind: 'none',
    });
    expect(choosePasswordSource({ SSH_ASKPASS_REQUIRE: 'force' }, false)).toEqual({
      kind: 'askpass',
      program: '/usr/bin/ssh-askpass',
    });
  });
});

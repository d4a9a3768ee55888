/**
 * Test setup (vitest `setupFiles`): SEASHELL_CRYPTO=noble|node makes that provider the process
 * default, so that every transport, key operation and Node driver of the run uses it. Unset, the
 * shipped defaults stay (noble in the core, node:crypto in the Node drivers). The root `test`
 * script runs the suite once under each.
 *
 * Transport's own tests load its `src/`, the other packages load its `dist/`: two copies of the
 * module that holds the default, so both are set.
 */
import * as built from '@seashell/transport';
import * as builtNode from '@seashell/transport/node';
import { setDefaultCryptoProvider } from '../../src/crypto/default.js';
import { cryptoProviderNamed } from '../../src/node/crypto-choice.js';

const name = process.env.SEASHELL_CRYPTO;
setDefaultCryptoProvider(cryptoProviderNamed(name));
built.setDefaultCryptoProvider(builtNode.cryptoProviderNamed(name));

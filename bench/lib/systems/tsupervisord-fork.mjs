// tsupervisord with posix_spawn switched off (TSUPERVISORD_NO_NATIVE_SPAWN=1): every child through
// node:child_process (libuv fork()s the daemon), the fallback where the native addon is not built. Only the
// spawn-heavy scenarios compare the two.
import { Tsupervisord } from './tsupervisord.mjs';

export class TsupervisordFork extends Tsupervisord {
  constructor() {
    super();
    this.name = 'tsupervisord-fork';
    this.extraEnv = { TSUPERVISORD_NO_NATIVE_SPAWN: '1' };
    this.scenarios = ['spawn', 'scale'];
  }
}

// tsupervisord with the splice pump switched off (TSUPERVISORD_NO_SPLICE=1): every channel through the JS
// writer, the fallback where the native addon could not be built. Only the logs scenarios compare the two.
import { Tsupervisord } from './tsupervisord.mjs';

export class TsupervisordJs extends Tsupervisord {
  constructor() {
    super();
    this.name = 'tsupervisord-js';
    this.extraEnv = { TSUPERVISORD_NO_SPLICE: '1' };
    this.scenarios = ['logs', 'logformats'];
  }
}

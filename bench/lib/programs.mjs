// What a scenario asks for, independent of any one system: a list of programs.
// Each system adapter translates these into its own config (supervisord.conf / PM2 ecosystem file).

/**
 * @typedef {object} Program
 * @property {string} name
 * @property {string[]} argv             executable and its arguments
 * @property {number} [numprocs]         supervisord numprocs (PM2: that many separate apps)
 * @property {number} [startsecs]        seconds a process must stay up to count as RUNNING
 * @property {number} [startretries]
 * @property {boolean} [autorestart]
 * @property {string} [stdoutLogfile]
 * @property {string} [stderrLogfile]
 * @property {number} [maxbytes]         rotation size in bytes (supervisord only; PM2 does not rotate)
 * @property {number} [backups]
 */

/** `n` long sleeps named p000, p001, … */
export function sleepers(n, extra = {}) {
  return Array.from({ length: n }, (_, i) => ({
    name: `p${String(i).padStart(3, '0')}`,
    argv: ['/bin/sleep', '1000000'],
    ...extra,
  }));
}

/** Process names a program expands to (numprocs with supervisord's `%(program_name)s_%(process_num)02d`). */
export function processNames(program) {
  if (!program.numprocs) return [program.name];
  return Array.from({ length: program.numprocs }, (_, i) => `${program.name}_${String(i).padStart(2, '0')}`);
}

export function allProcessNames(programs) {
  return programs.flatMap(processNames);
}

// One supervisord.conf for both supervisord and tsupervisord: tsupervisord promises to run the same file
// unchanged, so the benchmark gives both exactly the same bytes.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

function quote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'"'"'`)}'`;
}

export function supervisordConf(dir, programs) {
  const lines = [
    '[unix_http_server]',
    `file=${join(dir, 'supervisor.sock')}`,
    '',
    '[supervisord]',
    `logfile=${join(dir, 'supervisord.log')}`,
    `pidfile=${join(dir, 'supervisord.pid')}`,
    `childlogdir=${join(dir, 'childlogs')}`,
    'minfds=4096',
    '',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '',
    '[supervisorctl]',
    `serverurl=unix://${join(dir, 'supervisor.sock')}`,
    '',
  ];
  for (const p of programs) {
    lines.push(`[program:${p.name}]`, `command=${p.argv.map(quote).join(' ')}`);
    if (p.numprocs) lines.push(`numprocs=${p.numprocs}`, 'process_name=%(program_name)s_%(process_num)02d');
    if (p.startsecs !== undefined) lines.push(`startsecs=${p.startsecs}`);
    if (p.startretries !== undefined) lines.push(`startretries=${p.startretries}`);
    if (p.autorestart !== undefined) lines.push(`autorestart=${p.autorestart}`);
    if (p.stdoutLogfile) lines.push(`stdout_logfile=${p.stdoutLogfile}`);
    if (p.stderrLogfile) lines.push(`stderr_logfile=${p.stderrLogfile}`);
    if (p.maxbytes !== undefined) lines.push(`stdout_logfile_maxbytes=${p.maxbytes}`);
    if (p.backups !== undefined) lines.push(`stdout_logfile_backups=${p.backups}`);
    // tsupervisord extension keys (supervisord ignores them), e.g. the logformats scenario's
    for (const kv of p.extraKeys ?? []) lines.push(kv);
    lines.push('');
  }
  mkdirSync(join(dir, 'childlogs'), { recursive: true });
  const path = join(dir, 'supervisord.conf');
  writeFileSync(path, lines.join('\n'));
  return path;
}

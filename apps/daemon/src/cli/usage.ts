/**
 * supervisord's usage text with its name made ours (D-CLI-03: supervisord's first line,
 * `supervisord -- run a set of applications as daemons.`, is still there, after the `t`), its option texts as
 * they are except where ours differs (-v/--version), and the tsupervisord additions at the end. `%s` is
 * replaced by the program name, as supervisord does.
 */
const USAGE = `tsupervisord -- run a set of applications as daemons.

Usage: %s [options]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)
-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)
-h/--help -- print this usage message and exit
-v -- print supervisord version number and exit (the supervisord release
      tsupervisord behaves as: 4.2.5)
-u/--user USER -- run supervisord as this user (or numeric uid)
-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)
-d/--directory DIRECTORY -- directory to chdir to when daemonized
-l/--logfile FILENAME -- use FILENAME as logfile path
-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile
-z/--logfile_backups NUM -- number of backups to keep when max bytes reached
-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)
-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME
-i/--identifier STR -- identifier used for this instance of supervisord
-q/--childlogdir DIRECTORY -- the log directory for child process logs
-k/--nocleanup --  prevent the process from performing cleanup (removal of
                   old automatic child log files) at startup.
-a/--minfds NUM -- the minimum number of file descriptors for start success
--strip_ansi -- strip ansi escape codes from process output
--minprocs NUM  -- the minimum number of processes available for start success
--profile_options OPTIONS -- accepted for compatibility and ignored (there is
                             no Python profiler in tsupervisord)

tsupervisord additions:
--version -- print tsupervisord's version and the supervisord version it
             is compatible with, e.g. 'tsupervisord 0.1.0 (supervisord 4.2.5
             compatible)', and exit; with --verbose also which log pump
             runs (the splice addon, or the JS writer and why)
-t/--test-config -- read and validate the configuration, print 'config OK' and
                    the processes it defines, and exit (0 if valid, 2 if not).
                    Note: supervisord's -t (strip_ansi) is --strip_ansi here.
--print-sample-config -- print a sample configuration file and exit
--health -- ask the running daemon's /healthz (container health checks): exit
            0 if it is healthy, 1 if not (or not running)
--ready -- the same with /readyz (every essential program ready)
`;

export function usageText(progname: string): string {
  return USAGE.replaceAll("%s", progname);
}

# Dev-only: runs Debian supervisord 4.2.5 (apt-get install supervisor) option parsing on a config and
# returns the same projection test/real-world.test.ts computes, for recording goldens. Not run in CI.
import sys, json, os
sys.path.insert(0, '/usr/lib/python3/dist-packages')
from supervisor.options import ServerOptions
from supervisor.datatypes import Automatic, RestartUnconditionally, RestartWhenExitUnexpected
class Usage(Exception): pass
def conv_lf(v):
    if v is Automatic: return {"kind": "auto"}
    if v is None: return {"kind": "none"}
    return {"kind": "file", "path": v}
def conv_ar(v):
    if v is RestartUnconditionally: return True
    if v is RestartWhenExitUnexpected: return "unexpected"
    return False
def run(path):
    o = ServerOptions()
    def usage(msg): raise Usage(str(msg))
    o.usage = usage
    o.stderr = open(os.devnull, 'w')
    try:
        o.realize(args=['-c', path])
    except Usage as e:
        return {"error": str(e)}
    groups = []
    for g in o.process_group_configs:
        procs = []
        for p in g.process_configs:
            procs.append({"name": p.name, "command": p.command, "directory": p.directory, "umask": p.umask,
              "uid": p.uid, "priority": p.priority, "autostart": p.autostart, "autorestart": conv_ar(p.autorestart),
              "startsecs": p.startsecs, "startretries": p.startretries, "exitcodes": p.exitcodes,
              "stopsignal": p.stopsignal, "stopwaitsecs": p.stopwaitsecs, "stopasgroup": p.stopasgroup,
              "killasgroup": p.killasgroup, "redirect_stderr": p.redirect_stderr,
              "stdout": [conv_lf(p.stdout_logfile), p.stdout_logfile_maxbytes, p.stdout_logfile_backups, p.stdout_capture_maxbytes, p.stdout_events_enabled, p.stdout_syslog],
              "stderr": [conv_lf(p.stderr_logfile), p.stderr_logfile_maxbytes, p.stderr_logfile_backups, p.stderr_capture_maxbytes, p.stderr_events_enabled, p.stderr_syslog],
              "environment": p.environment, "serverurl": p.serverurl})
        gd = {"name": g.name, "priority": g.priority, "processes": procs}
        if hasattr(g, 'socket_config'):
            sc = g.socket_config
            gd["fcgi"] = {"socket": sc.url, "backlog": sc.backlog, "owner": list(sc.owner) if getattr(sc, 'owner', None) else None, "mode": getattr(sc, 'mode', None) if sc.url.startswith('unix') else None}
        if hasattr(g, 'pool_events'):
            from supervisor.events import getEventNameByType
            gd["pool"] = {"events": sorted(getEventNameByType(e) for e in g.pool_events), "bufferSize": g.buffer_size}
        groups.append(gd)
    s = o.configroot.supervisord
    return {"groups": groups, "warnings": o.parse_warnings, "infos": o.parse_infos,
            "supervisord": {"logfile": o.logfile, "pidfile": o.pidfile, "loglevel": s.loglevel, "umask": s.umask,
               "minfds": s.minfds, "identifier": s.identifier, "environment": s.environment, "childlogdir": s.childlogdir,
               "nodaemon": s.nodaemon, "logfile_maxbytes": s.logfile_maxbytes},
            "servers": sorted([json.dumps({k: v for k, v in c.items() if k in ('section','file','host','port','chmod','username','password')}, sort_keys=True, separators=(',',':')) for c in o.server_configs])}

# Generates test/fixtures/error-cases.json: each config snippet with supervisord 4.2.5's own error message.
import sys, json, os, platform, tempfile
platform.node = lambda: 'testhost'
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supervisord_ref import run
BASE = "[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\nchildlogdir=%(here)s\n\n"
P = lambda body, name='a': f"[program:{name}]\ncommand=/bin/cat\n{body}\n"
cases = [
 # id, spec, text (appended to BASE unless starting with '!'), option, section
 ("bad boolean autostart", "TYP-01 ERR-05", P("autostart=maybe"), "autostart", "program:a"),
 ("bad boolean autostart mixed case kept in message", "TYP-01", P("autostart=Maybe"), "autostart", "program:a"),
 ("bad integer startsecs", "TYP-01", P("startsecs=1.5"), "startsecs", "program:a"),
 ("bad integer startretries hex", "TYP-01", P("startretries=0x10"), "startretries", "program:a"),
 ("bad integer stopwaitsecs", "TYP-01", P("stopwaitsecs=ten"), "stopwaitsecs", "program:a"),
 ("bad integer numprocs", "TYP-01", P("numprocs=two"), "numprocs", "program:a"),
 ("bad integer numprocs_start", "TYP-01", P("numprocs_start=-"), "numprocs_start", "program:a"),
 ("bad priority (program read first at group level, no suffix)", "ERR-02", P("priority=high"), "priority", "program:a"),
 ("bad autorestart", "TYP-01 ERR-05", P("autorestart=sometimes"), "autorestart", "program:a"),
 ("bad autorestart lower-cased in message", "TYP-01", P("autorestart=SomeTimes"), "autorestart", "program:a"),
 ("bad signal name", "TYP-01 ERR-02", P("stopsignal=NOTASIGNAL"), "stopsignal", "program:a"),
 ("bad signal number", "TYP-01", P("stopsignal=99"), "stopsignal", "program:a"),
 ("bad signal number 32", "TYP-01", P("stopsignal=32"), "stopsignal", "program:a"),
 ("bad exit codes 256", "TYP-01 ERR-05", P("exitcodes=0,256"), "exitcodes", "program:a"),
 ("bad exit codes word", "TYP-01", P("exitcodes=0,two"), "exitcodes", "program:a"),
 ("bad exit codes trailing comma", "TYP-01", P("exitcodes=0,"), "exitcodes", "program:a"),
 ("bad byte size suffix", "TYP-01 ERR-05", P("stdout_logfile_maxbytes=10xb"), "stdout_logfile_maxbytes", "program:a"),
 ("bad byte size fraction", "TYP-01", P("stderr_logfile_maxbytes=1.5MB"), "stderr_logfile_maxbytes", "program:a"),
 ("bad byte size tb", "TYP-01", P("stdout_capture_maxbytes=1TB"), "stdout_capture_maxbytes", "program:a"),
 ("bad backups", "TYP-01", P("stdout_logfile_backups=many"), "stdout_logfile_backups", "program:a"),
 ("bad octal umask", "TYP-01 ERR-05", P("umask=999"), "umask", "program:a"),
 ("bad user name", "TYP-01 ERR-05", P("user=nosuchuser"), "user", "program:a"),
 ("bad user id", "TYP-01", P("user=4242"), "user", "program:a"),
 ("logfile dir missing", "TYP-01 ERR-05", P("stdout_logfile=/nonexist/dir/x.log"), "stdout_logfile", "program:a"),
 ("stderr logfile dir missing", "TYP-01", P("stderr_logfile=/nonexist/dir/err.log"), "stderr_logfile", "program:a"),
 ("bad boolean redirect_stderr", "TYP-01", P("redirect_stderr=sure"), "redirect_stderr", "program:a"),
 ("bad boolean stopasgroup", "TYP-01", P("stopasgroup=2"), "stopasgroup", "program:a"),
 ("bad boolean killasgroup", "TYP-01", P("killasgroup=nah"), "killasgroup", "program:a"),
 ("bad boolean stdout_events_enabled", "TYP-01", P("stdout_events_enabled=y"), "stdout_events_enabled", "program:a"),
 ("bad boolean stdout_syslog", "TYP-01", P("stdout_syslog=t"), "stdout_syslog", "program:a"),
 ("stopasgroup without killasgroup", "§1.5.5", P("stopasgroup=true\nkillasgroup=false"), "killasgroup", "program:a"),
 ("numprocs without process_num", "§1.5.5 NUM-01", P("numprocs=2"), "numprocs", "program:a"),
 ("numprocs with process_name lacking process_num", "§1.5.5", P("numprocs=2\nprocess_name=%(program_name)s"), "process_name", "program:a"),
 ("missing command", "§1.5.5 ERR-05", "[program:a]\nautostart=true\n", "command", "program:a"),
 ("space in program name", "TYP-01 ERR-05", "[program:a b]\ncommand=/bin/cat\n", None, "program:a b"),
 ("colon in process_name", "TYP-01", P("process_name=a:b"), "process_name", "program:a"),
 ("slash in process_name", "TYP-01", P("process_name=a/b"), "process_name", "program:a"),
 ("unknown name in command", "EXP-02", "[program:a]\ncommand=/bin/%(nope)s\n", "command", "program:a"),
 ("unknown name in environment", "EXP-02", P("environment=A=%(nope)s"), "environment", "program:a"),
 ("process_num not available in priority", "EXP-04", P("priority=%(process_num)d"), "priority", "program:a"),
 ("badly formatted command", "EXP-01", "[program:a]\ncommand=/bin/echo 100%\n", "command", "program:a"),
 ("badly formatted process_name", "EXP-01", P("process_name=%(program_name)"), "process_name", "program:a"),
 ("unsupported format char", "EXP-01", "[program:a]\ncommand=/bin/echo 50%d\n", "command", "program:a"),
 ("logfile single %% fails (double expansion)", "EXP-04", P("stdout_logfile=%(here)s/100%%.log"), "stdout_logfile", "program:a"),
 ("environment missing value", "TYP-02", P("environment=KEY1=val1,KEY2=val2,KEY3"), "environment", "program:a"),
 ("environment missing comma", "TYP-02", P("environment=A=1 B=2"), "environment", "program:a"),
 ("environment A= without value", "TYP-02", P("environment=A="), "environment", "program:a"),
 ("environment unclosed quote", "TYP-02", P('environment=A="x'), "environment", "program:a"),
 ("environment star", "TYP-02", P("environment=A=x*y"), "environment", "program:a"),
 ("group unknown program", "§1.5.6 ERR-05", "[group:g]\nprograms=x\n", "programs", "group:g"),
 ("group ambiguous program", "§1.5.6", P("") + "[fcgi-program:a]\ncommand=/bin/cat\nsocket=unix:///tmp/a.sock\n[group:g]\nprograms=a\n", "programs", "group:g"),
 ("group loop variable quirk names the last program section", "§1.5.6", P("") + "[group:g]\nprograms=a,x\n", "programs", "group:g"),
 ("group bad priority", "§1.5.6", P("") + "[group:g]\nprograms=a\npriority=first\n", "priority", "group:g"),
 ("group bad name", "§1.5.6", "[group:g:h]\nprograms=\n", None, "group:g:h"),
 ("eventlistener without events", "§1.5.7", "[eventlistener:ev]\ncommand=/bin/cat\n", "events", "eventlistener:ev"),
 ("eventlistener unknown event", "§1.5.7", "[eventlistener:ev]\ncommand=/bin/cat\nevents=NOPE\n", "events", "eventlistener:ev"),
 ("eventlistener buffer_size 0", "§1.5.7", "[eventlistener:ev]\ncommand=/bin/cat\nevents=TICK_5\nbuffer_size=0\n", "buffer_size", "eventlistener:ev"),
 ("eventlistener redirect_stderr", "§1.5.7", "[eventlistener:ev]\ncommand=/bin/cat\nevents=TICK_5\nredirect_stderr=true\n", "redirect_stderr", "eventlistener:ev"),
 ("eventlistener bad priority", "§1.5.7 ERR-02", "[eventlistener:ev]\ncommand=/bin/cat\nevents=TICK_5\npriority=low\n", "priority", "eventlistener:ev"),
 ("fcgi without socket", "§1.5.8", "[fcgi-program:f]\ncommand=/bin/cat\n", "socket", "fcgi-program:f"),
 ("fcgi bad backlog", "§1.5.8", "[fcgi-program:f]\ncommand=/bin/cat\nsocket=unix:///tmp/f.sock\nsocket_backlog=0\n", "socket_backlog", "fcgi-program:f"),
 ("fcgi bad owner", "§1.5.8", "[fcgi-program:f]\ncommand=/bin/cat\nsocket=unix:///tmp/f.sock\nsocket_owner=nosuchuser\n", "socket_owner", "fcgi-program:f"),
 ("fcgi bad mode", "§1.5.8", "[fcgi-program:f]\ncommand=/bin/cat\nsocket=unix:///tmp/f.sock\nsocket_mode=999\n", "socket_mode", "fcgi-program:f"),
 ("fcgi owner on tcp", "§1.5.8", "[fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://localhost:9000\nsocket_owner=root\n", "socket", "fcgi-program:f"),
 ("fcgi process_num in socket", "§1.5.8 EXP-04", "[fcgi-program:f]\ncommand=/bin/cat\nsocket=unix:///tmp/f%(process_num)d.sock\n", "socket", "fcgi-program:f"),
 ("supervisord bad loglevel", "§1.5.1 ERR-05", "!" + BASE.replace("childlogdir=%(here)s\n", "childlogdir=%(here)s\nloglevel=loud\n"), "loglevel", "supervisord"),
 ("supervisord bad directory", "§1.5.1 ERR-05", "!" + BASE + "directory=/nonexistent\n", "directory", "supervisord"),
 ("supervisord bad childlogdir", "§1.5.1", "!" + BASE.replace("childlogdir=%(here)s", "childlogdir=/nonexistent/logs"), "childlogdir", "supervisord"),
 ("supervisord bad logfile dir", "§1.5.1", "!" + BASE.replace("logfile=%(here)s/sd.log", "logfile=/nonexistent/sd.log"), "logfile", "supervisord"),
 ("supervisord bad minfds", "§1.5.1", "!" + BASE + "minfds=lots\n", "minfds", "supervisord"),
 ("supervisord bad umask", "§1.5.1", "!" + BASE + "umask=8\n", "umask", "supervisord"),
 ("supervisord bad nodaemon", "§1.5.1", "!" + BASE + "nodaemon=sometimes\n", "nodaemon", "supervisord"),
 ("supervisord bad logfile_maxbytes", "§1.5.1", "!" + BASE + "logfile_maxbytes=big\n", "logfile_maxbytes", "supervisord"),
 ("supervisord bad user", "§1.5.1", "!" + BASE + "user=nosuchuser\n", "user", "supervisord"),
 ("supervisord environment expanded twice [4.2.5]", "EXP-04", "!" + BASE + "environment=A=100%%\n", "environment", "supervisord"),
 ("supervisord environment has no host_node_name in the first expansion", "EXP-04", "!" + BASE + "environment=A=%(host_node_name)s\n", "environment", "supervisord"),
 ("no supervisord section", "CFG-06", "![program:a]\ncommand=/bin/cat\n", None, None),
 ("unix server without file", "§1.5.2 ERR-05", "[unix_http_server]\nchmod=0700\n", "file", "unix_http_server"),
 ("unix server bad chmod", "§1.5.2", "[unix_http_server]\nfile=/tmp/x.sock\nchmod=rwx\n", "chmod", "unix_http_server"),
 ("unix server bad chown", "§1.5.2", "[unix_http_server]\nfile=/tmp/x.sock\nchown=nosuchuser:nogroup\n", "chown", "unix_http_server"),
 ("unix server username without password", "§1.5.2", "[unix_http_server]\nfile=/tmp/x.sock\nusername=u\n", "username", "unix_http_server"),
 ("unix server password expands only ENV", "EXP-04", "[unix_http_server]\nfile=/tmp/x.sock\nusername=u\npassword=%(here)s\n", "password", "unix_http_server"),
 ("inet server without port", "§1.5.3", "[inet_http_server]\nusername=u\npassword=p\n", "port", "inet_http_server"),
 ("inet server bad port", "§1.5.3 ERR-05", "[inet_http_server]\nport=notaport\n", "port", "inet_http_server"),
 ("inet server port 0", "§1.5.3", "[inet_http_server]\nport=127.0.0.1:0\n", "port", "inet_http_server"),
 ("inet server port too big", "§1.5.3", "[inet_http_server]\nport=:70000\n", "port", "inet_http_server"),
 ("inet server no port after colon", "§1.5.3", "[inet_http_server]\nport=localhost:\n", "port", "inet_http_server"),
 ("second inet server section", "§1.5.2", "[inet_http_server:two]\nport=x\n", "port", "inet_http_server:two"),
 ("rpcinterface without factory", "PLG-01", "[rpcinterface:x]\nfoo=bar\n", "supervisor.rpcinterface_factory", "rpcinterface:x"),
 ("rpcinterface other factory", "PLG-01 PLG-02", "[rpcinterface:x]\nsupervisor.rpcinterface_factory=mypkg.rpc:make\n", "supervisor.rpcinterface_factory", "rpcinterface:x"),
 ("rpcinterface key with %(here)s", "EXP-04", "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\nretries=%(here)s\n", "retries", "rpcinterface:supervisor"),
 ("include without files", "INC-01", "[include]\nfoo=bar\n", "files", "include"),
 ("include files bad expansion", "INC-02 EXP-02", "[include]\nfiles=%(nope)s/*.conf\n", "files", "include"),
 ("parse error junk line", "INI-07 ERR-05", "[program:a]\ncommand=/bin/cat\njunk line\n", None, None),
 ("parse error bare key", "INI-07", "[program:a]\ncommand=/bin/cat\nautostart\n", None, None),
 ("parse error empty option name", "INI-06", "[program:a]\n=value\n", None, None),
 ("option before first section", "INI-08", "!command=/bin/cat\n[supervisord]\n", None, None),
]
out = []
d = tempfile.mkdtemp(prefix='errcases')
for (name, spec, text, option, section) in cases:
    conf = text[1:] if text.startswith('!') else BASE + text
    path = os.path.join(d, 'supervisord.conf')
    with open(path, 'w') as f: f.write(conf)
    r = run(path)
    if 'error' not in r:
        print("NO ERROR:", name, file=sys.stderr); continue
    # expected line: last line defining the option inside the section, else the section header
    lines = conf.split('\n')
    line = None
    cur = None
    for i, L in enumerate(lines, 1):
        s = L.strip()
        if s.startswith('[') and s.endswith(']'): cur = s[1:-1]
        if section and cur == section and option and (s.split('=')[0].split(':')[0].strip().lower() == option.lower()): line = i
    if line is None and section:
        for i, L in enumerate(lines, 1):
            if L.strip() == '[%s]' % section: line = i; break
    out.append({"name": name, "spec": spec, "conf": conf, "option": option, "section": section, "line": line,
                "message": r['error'].replace(d, '<DIR>')})
print(json.dumps(out, indent=1))

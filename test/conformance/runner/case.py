"""One case, run against one system, as a transcript (the format the recorded expected.txt files have).

A case is a folder: supervisord.conf, its helper programs, case.json (how to drive it) and expected.txt (what
supervisord 4.2.5 did). The folder is copied to a fresh temp dir, the daemon runs there in the foreground, the
steps drive it with the system's CLI (or the real supervisorctl), then it is stopped and what it left behind is
listed."""
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

from normalize import Normalizer, normalize_ctl_output
from processes import base_environment, command_name, free_tcp_port, kill_marked, line_count, marked_pids
import systems

# The daemon-log digest: one `~ name: a | b | c` line per process (compared only with --strict).
_DIGEST = [
    (re.compile(r"^spawned: '(?P<n>[^']+)' with pid \d+"), "spawned"),
    (re.compile(r"^success: (?P<n>\S+) entered RUNNING state"), "success"),
    (re.compile(r"^exited: (?P<n>\S+) \((?P<d>.*)\)$"), "exited ({d})"),
    (re.compile(r"^gave up: (?P<n>\S+) entered FATAL state"), "gave up"),
    (re.compile(r"^stopped: (?P<n>\S+) \((?P<d>.*)\)$"), "stopped ({d})"),
    (re.compile(r"^killing '(?P<n>[^']+)' \(\d+\) with (?P<d>SIG\w+)"), "killed with {d}"),
    (re.compile(r"^spawnerr: (?P<d>.*)$"), "spawnerr: {d}"),
]
_TEXT_LOG_LINE = re.compile(r"^\S+ \S+ [A-Z]+ (.*)$")


def _log_message(raw):
    """The message of one daemon log line: supervisord's text format, or a JSON line's `msg`."""
    if raw.startswith("{"):
        try:
            record = json.loads(raw)
        except ValueError:
            record = None
        if isinstance(record, dict):
            return str(record.get("msg", ""))
    m = _TEXT_LOG_LINE.match(raw)
    return m.group(1) if m else raw


def digest_daemon_log(path, norm):
    if not os.path.isfile(path):
        return []
    events = {}
    with open(path, "r", errors="replace") as f:
        for raw in f:
            message = _log_message(raw.rstrip("\n"))
            for rx, fmt in _DIGEST:
                m = rx.match(message)
                if m:
                    fields = m.groupdict()
                    events.setdefault(fields.get("n") or "(daemon)", []).append(norm(fmt.format(**fields)))
                    break
    return ["~ %s: %s" % (name, " | ".join(events[name])) for name in sorted(events)]


def _decode(data):
    return (data or b"").decode("utf-8", "replace")


def _as_list(value):
    return [value] if isinstance(value, str) else list(value)


class CaseRun:
    def __init__(self, cases_dir, name, system, keep=False):
        self.name = name
        self.system = system
        self.keep = keep
        self.source = os.path.join(cases_dir, name)
        with open(os.path.join(self.source, "case.json")) as f:
            self.meta = json.load(f)
        self.lines = []

    def record(self, line=""):
        self.lines.append(line)

    # -- the whole run ---------------------------------------------------------------------------------------
    def run(self):
        """Returns the transcript (text ending in a newline). Everything the case started is gone afterwards."""
        meta = self.meta
        self._lay_out()
        self.record("[info] case %s; system %s" % (self.name, self.system))
        self.record("== start ==")
        out_path = os.path.join(self.runner_dir, "daemon.out")
        with open(out_path, "ab") as out:
            self.daemon = subprocess.Popen(self.daemon_argv, cwd=self.case_dir, env=self.env, stdin=subprocess.DEVNULL,
                                           stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            if meta.get("expect") == "refuse":
                self._expect_refusal(out_path)
            else:
                if self._wait_until_serving(out_path):
                    time.sleep(float(meta.get("settle", 1)))
                    self._run_steps(meta.get("steps", []))
                self._shutdown()
                if meta.get("post"):
                    self.record("== after shutdown ==")
                    self._run_steps(meta["post"])
                self._list_files()
                if meta.get("daemon_stdout"):
                    self._daemon_stdout(out_path)
                self.record("== daemon log (strict) ==")
                log = meta.get("daemon_log", "supervisord.log")
                log = out_path if log == "@stdout" else os.path.join(self.case_dir, log)
                for line in digest_daemon_log(log, self.norm):
                    self.record(line)
        finally:
            if self.daemon.poll() is None:
                try:
                    os.kill(self.daemon.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.daemon.wait()
            kill_marked(self.mark)
            if self.keep:
                self.record("[info] kept %s" % self.root)
            else:
                shutil.rmtree(self.root, ignore_errors=True)
        return "\n".join(self.lines) + "\n"

    def _lay_out(self):
        """A fresh copy of the case (0755, so `user=nobody` programs can enter it), the environment, the commands."""
        meta = self.meta
        self.root = tempfile.mkdtemp(prefix="tsconf-")
        os.chmod(self.root, 0o755)
        self.case_dir = os.path.join(self.root, "case")
        self.runner_dir = os.path.join(self.root, "runner")
        os.makedirs(self.runner_dir)
        shutil.copytree(self.source, self.case_dir, symlinks=True,
                        ignore=shutil.ignore_patterns("case.json", "expected.txt"))
        os.chmod(self.case_dir, 0o755)
        self.originals = {
            os.path.relpath(os.path.join(d, f), self.case_dir) for d, _, files in os.walk(self.case_dir) for f in files
        }
        self.conf = os.path.join(self.case_dir, meta.get("config", "supervisord.conf"))
        self.mark = uuid.uuid4().hex
        self.port = free_tcp_port() if meta.get("port") else None
        paths = [(self.case_dir, "<CASE>"), (self.root, "<RUN>")]
        real = os.path.realpath(self.case_dir)
        if real != self.case_dir:
            paths.append((real, "<CASE>"))
        self.norm = Normalizer(paths, self.port)

        cmds = systems.commands(self.system)
        ctl = systems.python_supervisorctl() if meta.get("client") == "supervisorctl" else cmds["ctl"]
        self.ctl_argv = systems.with_conf(ctl, self.conf)
        self.daemon_argv = systems.with_conf(cmds["daemon"], self.conf)

        home = os.path.join(self.root, "home")
        os.makedirs(home)
        self.env = base_environment(self.mark, home)
        if self.port:
            self.env["CONF_PORT"] = str(self.port)
        for key, value in meta.get("env", {}).items():
            self.env[key] = value.replace("{case}", self.case_dir)
        self.deadline = time.monotonic() + float(meta.get("case_timeout", 150))

    # -- start -----------------------------------------------------------------------------------------------
    def _expect_refusal(self, out_path):
        timeout = float(self.meta.get("refuse_timeout", 15))
        try:
            status = self.daemon.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.record("start: not refused (still running after %gs)" % timeout)
            self.daemon.send_signal(signal.SIGTERM)
            try:
                self.daemon.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            return
        self.record("start: refused (nonzero exit)" if status != 0 else "start: exited with status 0 (not a refusal)")
        self.record("[info] exit status: %d" % status)
        with open(out_path, "r", errors="replace") as f:
            said = [line for line in self.norm(f.read()).split("\n") if line.strip()]
        for line in ([line for line in said if "rror" in line] or said)[:3]:
            self.record("[info] message: %s" % line[:400])

    def _wait_until_serving(self, out_path):
        ready = self.meta.get("ready", "unix:supervisor.sock")
        timeout = float(self.meta.get("ready_timeout", 20))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.daemon.poll()
            if status is not None:
                self.record("start: daemon exited before serving (status %d)" % status)
                with open(out_path, "r", errors="replace") as f:
                    for line in self.norm(f.read()).split("\n")[-5:]:
                        self.record("[info] %s" % line[:300])
                return False
            if self._accepts(ready):
                self.record("start: ok")
                return True
            time.sleep(0.05)
        self.record("start: not serving after %gs" % timeout)
        return False

    def _accepts(self, ready):
        kind, _, where = ready.partition(":")
        try:
            if kind == "unix":
                path = os.path.join(self.case_dir, where)
                if not os.path.exists(path):
                    return False
                conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                conn.settimeout(1)
                conn.connect(path)
            else:
                conn = socket.create_connection(("127.0.0.1", self.port), timeout=1)
            conn.close()
            return True
        except OSError:
            return False

    # -- steps -----------------------------------------------------------------------------------------------
    def _substitute(self, text):
        return text.replace("$CONF_PORT", str(self.port or "")).replace("$CASE_DIR", self.case_dir)

    def _step_env(self):
        env = dict(self.env)
        env["CASE_DIR"] = self.case_dir
        env["DAEMON_PID"] = str(self.daemon.pid)
        env["CTL"] = " ".join(shlex.quote(a) for a in self.ctl_argv)
        return env

    def _ctl(self, args, timeout=60):
        """(exit status or None on timeout, output with stderr folded in)."""
        argv = self.ctl_argv + shlex.split(self._substitute(args))
        try:
            done = subprocess.run(argv, cwd=self.case_dir, env=self._step_env(), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
            return done.returncode, _decode(done.stdout)
        except subprocess.TimeoutExpired as e:
            return None, _decode(e.stdout)

    def _ctl_text(self, args, text):
        return normalize_ctl_output(self.norm, shlex.split(args), text)

    def _run_steps(self, steps):
        for step in steps:
            if time.monotonic() > self.deadline:
                self.record("case deadline exceeded: remaining steps skipped")
                break
            if isinstance(step, str):
                step = {"ctl": step}
            if "ctl" in step:
                self._ctl_step(step)
            elif "sh" in step:
                self._sh_step(step)
            elif "sleep" in step:
                time.sleep(float(step["sleep"]))
            elif "wait" in step:
                self._wait_step(step)
            else:
                raise ValueError("bad step %r in case %s" % (step, self.name))

    def _ctl_step(self, step):
        args = step["ctl"]
        started = time.monotonic()
        status, text = self._ctl(args, step.get("timeout", 30))
        took = time.monotonic() - started
        self.record("$ ctl %s" % args)
        if text.strip():
            self.record(self._ctl_text(args, text))
        self.record("[exit %s]" % ("timeout" if status is None else status))
        if "elapsed" in step:
            low, high = step["elapsed"]
            self.record("elapsed in [%g,%g]s: %s" % (low, high, "yes" if low <= took <= high else "no"))
            self.record("[info] elapsed %.2fs" % took)

    def _sh_step(self, step):
        try:
            done = subprocess.run(["bash", "-c", step["sh"]], cwd=self.case_dir, env=self._step_env(),
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=step.get("timeout", 60))
            status, text = done.returncode, _decode(done.stdout)
        except subprocess.TimeoutExpired as e:
            status, text = "timeout", _decode(e.stdout)
        self.record("$ sh %s" % step.get("label", step["sh"]))
        if text.strip():
            self.record(self.norm(text))
        self.record("[exit %s]" % status)

    def _wait_step(self, step):
        """Polls the CLI until every `until` regex matches and no `absent` one does; records only ok/TIMEOUT."""
        args = step["wait"]
        until = _as_list(step.get("until", []))
        absent = _as_list(step.get("absent", []))
        timeout = float(step.get("timeout", 20))
        deadline = time.monotonic() + timeout
        title = "wait ctl %s" % args
        if until:
            title += " until %s" % " & ".join(until)
        if absent:
            title += " absent %s" % "|".join(absent)
        while True:
            _, text = self._ctl(args, 30)
            last = self._ctl_text(args, text)
            matched = all(re.search(u, last, re.M) for u in until) and not any(re.search(a, last, re.M) for a in absent)
            if matched or time.monotonic() >= deadline:
                break
            time.sleep(float(step.get("interval", 0.5)))
        self.record("$ %s" % title)
        if matched:
            self.record("wait: ok")
            if step.get("record"):
                self.record(last)
        else:
            self.record("wait: TIMEOUT after %gs" % timeout)
            for line in last.split("\n"):
                self.record("[info] last: %s" % line)

    # -- the end ---------------------------------------------------------------------------------------------
    def _shutdown(self):
        self.record("== shutdown ==")
        if self.meta.get("shutdown", "signal") == "self":
            timeout = float(self.meta.get("self_exit_timeout", 30))
            try:
                self.record("daemon exited by itself: status %d" % self.daemon.wait(timeout=timeout))
            except subprocess.TimeoutExpired:
                self.record("daemon still running after %gs" % timeout)
                self._terminate()
        elif self.daemon.poll() is not None:
            self.record("daemon exited before shutdown: status %d" % self.daemon.returncode)
        else:
            self._terminate()
        time.sleep(0.5)
        names = sorted(command_name(pid) for pid in marked_pids(self.mark))
        self.record("leftover processes: %d%s" % (len(names), " (%s)" % ", ".join(names) if names else ""))
        kill_marked(self.mark)

    def _terminate(self):
        self.daemon.send_signal(signal.SIGTERM)
        timeout = float(self.meta.get("shutdown_timeout", 40))
        try:
            self.record("daemon exit status after SIGTERM: %d" % self.daemon.wait(timeout=timeout))
        except subprocess.TimeoutExpired:
            self.record("daemon did not exit within %gs of SIGTERM" % timeout)
            try:
                os.kill(self.daemon.pid, signal.SIGKILL)
            except OSError:
                pass
            self.daemon.wait()

    def _list_files(self):
        """Every file the run created, with its line count (`-` where the count is not deterministic)."""
        self.record("== files ==")
        uncounted = ["supervisord.log", "supervisord.log.*"] + self.meta.get("nondet_files", [])
        ignored = self.meta.get("ignore_files", [])
        rows = []
        for folder, _, files in os.walk(self.case_dir):
            for name in files:
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, self.case_dir)
                if rel in self.originals or not os.path.isfile(path) or os.path.islink(path):
                    continue
                if any(fnmatch.fnmatch(rel, g) for g in ignored):
                    continue
                count = "-" if any(fnmatch.fnmatch(rel, g) for g in uncounted) else str(line_count(path))
                rows.append("%s %s" % (self.norm(rel), count))
        for row in sorted(rows):
            self.record(row)

    def _daemon_stdout(self, out_path):
        spec = self.meta["daemon_stdout"]
        rx = re.compile(spec["grep"])
        with open(out_path, "r", errors="replace") as f:
            lines = [self.norm(line.rstrip("\n")) for line in f if rx.search(line)]
        if spec.get("sort"):
            lines.sort()
        self.record("== daemon stdout (lines matching %s) ==" % spec["grep"])
        for line in lines:
            self.record(line)

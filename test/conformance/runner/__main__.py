"""Conformance runner: tsupervisord against supervisord 4.2.5's recorded transcripts (Python 3 stdlib only).

  python3 test/conformance/runner compare [CASE-GLOB...] [--cases-dir DIR] [-j N] [-v] [--strict]
  python3 test/conformance/runner compare --system supervisord ...   the reference against its own record
  python3 test/conformance/runner record [CASE...]                   (re-)record expected.txt from supervisord
  python3 test/conformance/runner list

Cases come from --cases-dir, else $CONF_CASES, else test/conformance/cases. Prints `PASS|FAIL name seconds` per
case and ends with `N passed, M failed` (exit 0 only if all passed). Actual transcripts and diffs go to
--results DIR/<system>/. The case and transcript formats are described in test/conformance/README.md.
"""
import argparse
import concurrent.futures
import difflib
import fnmatch
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from case import CaseRun  # noqa: E402
from normalize import comparable, refusal_view  # noqa: E402
from processes import base_environment, kill_marked  # noqa: E402
import systems  # noqa: E402

DEFAULT_CASES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cases")

# A system that cannot run a trivial config must score nothing: otherwise every "must refuse" case would pass
# for the wrong reason.
_PREFLIGHT_CONF = """[unix_http_server]
file=%(here)s/supervisor.sock

[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock

[program:preflight]
command=/bin/sleep 1000
"""


def preflight(system):
    """None when the system starts on a valid config and its CLI lists the program; else what went wrong."""
    cmds = systems.commands(system)
    root = tempfile.mkdtemp(prefix="tsconf-preflight-")
    conf = os.path.join(root, "supervisord.conf")
    with open(conf, "w") as f:
        f.write(_PREFLIGHT_CONF)
    mark = uuid.uuid4().hex
    env = base_environment(mark, root)
    daemon_argv = systems.with_conf(cmds["daemon"], conf)
    ctl_argv = systems.with_conf(cmds["ctl"], conf)
    out_path = os.path.join(root, "daemon.out")
    problem = None
    try:
        with open(out_path, "ab") as out:
            daemon = subprocess.Popen(daemon_argv, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                      stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as e:
        shutil.rmtree(root, ignore_errors=True)
        return "cannot run %s: %s" % (" ".join(daemon_argv), e)
    try:
        socket_path = os.path.join(root, "supervisor.sock")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and daemon.poll() is None and not os.path.exists(socket_path):
            time.sleep(0.1)
        if daemon.poll() is not None:
            problem = "daemon exited (status %s) on a valid config" % daemon.returncode
        elif not os.path.exists(socket_path):
            problem = "daemon did not create its unix socket within 30s"
        else:
            problem = _ctl_lists_program(ctl_argv, root, env)
    finally:
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(daemon.pid, signal.SIGKILL)
                daemon.wait()
        kill_marked(mark)
        if problem:
            try:
                with open(out_path, "r", errors="replace") as f:
                    problem += "; daemon output: " + f.read()[-400:].replace("\n", " | ")
            except OSError:
                pass
        shutil.rmtree(root, ignore_errors=True)
    return problem


def _ctl_lists_program(ctl_argv, cwd, env):
    output = b""
    for _ in range(40):
        try:
            done = subprocess.run(ctl_argv + ["status"], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "ctl failed: %s" % e
        output = done.stdout
        if b"preflight" in output:
            return None
        time.sleep(0.25)
    return "ctl status never listed the program: %r" % output[-300:]


def select_cases(cases_dir, patterns, skip_unmatched=False):
    names = sorted(d for d in os.listdir(cases_dir) if os.path.isfile(os.path.join(cases_dir, d, "case.json")))
    if not patterns:
        return names
    chosen = []
    for pattern in patterns:
        matching = [n for n in names if fnmatch.fnmatch(n, pattern)]
        if not matching and not skip_unmatched:
            raise SystemExit("no case matches %r" % pattern)
        chosen.extend(n for n in matching if n not in chosen)
    return chosen


def verdict(expected_text, actual_text, name, strict):
    """(PASS|FAIL, unified diff lines)."""
    expected = comparable(expected_text, strict)
    actual = comparable(actual_text, strict)
    if any(line.startswith("start: refused") for line in expected):
        expected, actual = refusal_view(expected), refusal_view(actual)
    diff = list(difflib.unified_diff(expected, actual, "expected/" + name, "actual/" + name, lineterm=""))
    return ("FAIL" if diff else "PASS"), diff


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["record", "compare", "list"])
    ap.add_argument("cases", nargs="*", help="case names or globs (default: all)")
    ap.add_argument("--system", choices=["supervisord", "tsupervisord"],
                    help="default: supervisord for record, tsupervisord for compare")
    ap.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("CONF_JOBS", "2")))
    ap.add_argument("--strict", action="store_true", help="also compare the daemon-log digest (~ lines)")
    ap.add_argument("--keep", action="store_true", help="keep each case's temp dir")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the diff of each failing case")
    ap.add_argument("--results", default="/tmp/tsconf-results-%d" % os.getuid(), help="transcripts and diffs")
    ap.add_argument("--no-preflight", action="store_true", help="skip the start-on-a-valid-config check")
    ap.add_argument("--cases-dir", default=os.environ.get("CONF_CASES") or DEFAULT_CASES)
    ap.add_argument("--skip-unmatched", action="store_true",
                    help="a glob that matches no case here is not an error (run.sh: globs span two case sets)")
    return ap.parse_intermixed_args(argv)


def main(argv):
    opts = parse_args(argv)
    cases_dir = os.path.abspath(opts.cases_dir)
    names = select_cases(cases_dir, opts.cases, opts.skip_unmatched)
    if opts.mode == "list":
        print("\n".join(names))
        return 0
    if not names:
        print("0 passed, 0 failed")
        return 0
    system = opts.system or ("supervisord" if opts.mode == "record" else "tsupervisord")
    if opts.mode == "record" and system != "supervisord":
        raise SystemExit("record only from the reference supervisord")
    results_dir = os.path.join(opts.results, system)
    os.makedirs(results_dir, exist_ok=True)
    if opts.mode == "compare" and not opts.no_preflight:
        problem = preflight(system)
        if problem:
            cmds = systems.commands(system)
            print("PREFLIGHT FAILED for %s: %s" % (system, problem))
            print("daemon: %s\nctl:    %s" % (" ".join(cmds["daemon"]), " ".join(cmds["ctl"])))
            print("0 passed, %d failed" % len(names))
            return 1

    lock = threading.Lock()
    statuses = {}
    began = time.monotonic()

    def run_one(name):
        started = time.monotonic()
        try:
            transcript = CaseRun(cases_dir, name, system, keep=opts.keep).run()
        except Exception as e:  # a runner bug in one case must not hide the others
            transcript = "[info] runner error: %r\nrunner error\n" % (e,)
        took = time.monotonic() - started
        with open(os.path.join(results_dir, name + ".txt"), "w") as f:
            f.write(transcript)
        diff = []
        if opts.mode == "record":
            with open(os.path.join(cases_dir, name, "expected.txt"), "w") as f:
                f.write(transcript.replace("system %s" % system, "system supervisord 4.2.5", 1))
            status = "RECORDED"
        else:
            expected_path = os.path.join(cases_dir, name, "expected.txt")
            if os.path.exists(expected_path):
                with open(expected_path) as f:
                    status, diff = verdict(f.read(), transcript, name, opts.strict)
            else:
                status, diff = "FAIL", ["(no expected.txt recorded)"]
            diff_path = os.path.join(results_dir, name + ".diff")
            if diff:
                with open(diff_path, "w") as f:
                    f.write("\n".join(diff) + "\n")
            elif os.path.exists(diff_path):
                os.remove(diff_path)
        with lock:
            statuses[name] = status
            print("%-8s %-40s %5.1fs" % (status, name, took), flush=True)
            if diff and opts.verbose:
                print("\n".join(diff[:80]), flush=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        list(pool.map(run_one, names))

    print("transcripts: %s   (%.0fs total)" % (results_dir, time.monotonic() - began))
    if opts.mode == "record":
        print("%d recorded" % len(statuses))
        return 0
    passed = sum(1 for s in statuses.values() if s == "PASS")
    failed = len(statuses) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

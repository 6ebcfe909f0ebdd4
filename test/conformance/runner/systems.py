"""How each system is started and driven: the one place. `{conf}` stands for the case's config path.

supervisord (the reference): SUPERVISORD_BIN / SUPERVISORCTL_BIN, else Debian's /usr/bin ones.
tsupervisord: this repository (TSUP_REPO, default: two levels above this folder): bin/tsupervisord and bin/tsctl,
else node on apps/*/dist/main.js. TSUP_DAEMON / TSUP_CTL replace the whole command (`-c {conf}` is appended
when the template does not mention {conf})."""
import os
import shlex

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def _from_template(value):
    argv = shlex.split(value)
    return argv if any("{conf}" in a for a in argv) else argv + ["-c", "{conf}"]


def _repo_command(repo, launchers, fallback_main):
    for rel in launchers:
        path = os.path.join(repo, rel)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return [path]
    return ["node", os.path.join(repo, fallback_main)]


def python_supervisorctl():
    """The real supervisorctl: `"client": "supervisorctl"` cases drive either daemon with it (XML-RPC)."""
    binary = os.environ.get("SUPERVISORCTL_BIN") or (
        "/usr/bin/supervisorctl" if os.path.exists("/usr/bin/supervisorctl") else "supervisorctl")
    return [binary, "-c", "{conf}"]


def commands(system):
    """{'daemon': argv, 'ctl': argv} with `{conf}` placeholders."""
    if system == "supervisord":
        binary = os.environ.get("SUPERVISORD_BIN") or (
            "/usr/bin/supervisord" if os.path.exists("/usr/bin/supervisord") else "supervisord")
        return {"daemon": [binary, "-n", "-c", "{conf}"], "ctl": python_supervisorctl()}
    if system == "tsupervisord":
        repo = os.environ.get("TSUP_REPO") or REPO
        if os.environ.get("TSUP_DAEMON"):
            daemon = _from_template(os.environ["TSUP_DAEMON"])
        else:
            daemon = _repo_command(repo, ["bin/tsupervisord", "node_modules/.bin/tsupervisord"],
                                   "apps/daemon/dist/main.js") + ["-n", "-c", "{conf}"]
        if os.environ.get("TSUP_CTL"):
            ctl = _from_template(os.environ["TSUP_CTL"])
        else:
            ctl = _repo_command(repo, ["bin/tsctl", "node_modules/.bin/tsctl"], "apps/ctl/dist/main.js") + ["-c", "{conf}"]
        return {"daemon": daemon, "ctl": ctl}
    raise SystemExit("unknown system %r" % system)


def with_conf(argv, conf):
    return [a.replace("{conf}", conf) for a in argv]

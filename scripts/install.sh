#!/bin/sh
# Puts `tsupervisord` and `tsctl` on PATH and installs tsctl's shell completion, from this built checkout.
#
#   scripts/install.sh                 # PREFIX=/usr/local: /usr/local/bin/{tsupervisord,tsctl}
#   PREFIX=$HOME/.local scripts/install.sh
#   scripts/install.sh --uninstall     # removes exactly what it installed
#
# The commands are symlinks to this checkout's bin/ launchers (which run apps/*/dist with the right Node flags), so
# keep the checkout where it is, and run `pnpm build` after pulling: the installed commands run the new build.
# Completion goes where bash-completion, zsh and fish look for it under PREFIX:
#   PREFIX/share/bash-completion/completions/tsctl
#   PREFIX/share/zsh/site-functions/_tsctl
#   PREFIX/share/fish/vendor_completions.d/tsctl.fish
set -eu

prefix="${PREFIX:-/usr/local}"
here="$(cd "$(dirname "$0")/.." && pwd -P)"
bindir="$prefix/bin"
bash_dir="$prefix/share/bash-completion/completions"
zsh_dir="$prefix/share/zsh/site-functions"
fish_dir="$prefix/share/fish/vendor_completions.d"

if [ "${1:-}" = "--uninstall" ]; then
  for f in "$bindir/tsupervisord" "$bindir/tsctl" "$bash_dir/tsctl" "$zsh_dir/_tsctl" "$fish_dir/tsctl.fish"; do
    if [ -e "$f" ] || [ -L "$f" ]; then
      rm -f "$f"
      echo "removed $f"
    fi
  done
  exit 0
fi
if [ $# -gt 0 ]; then
  echo "usage: [PREFIX=dir] $0 [--uninstall]" >&2
  exit 2
fi

for app in daemon ctl; do
  if [ ! -f "$here/apps/$app/dist/main.js" ]; then
    echo "error: $here/apps/$app/dist/main.js is missing: run 'pnpm install && pnpm build' in $here first" >&2
    exit 1
  fi
done
if ! command -v node >/dev/null 2>&1; then
  echo "error: node is not on PATH (tsupervisord needs Node 20 or later)" >&2
  exit 1
fi

mkdir -p "$bindir" "$bash_dir" "$zsh_dir" "$fish_dir"
ln -sfn "$here/bin/tsupervisord" "$bindir/tsupervisord"
ln -sfn "$here/bin/tsctl" "$bindir/tsctl"
echo "installed $bindir/tsupervisord -> $here/bin/tsupervisord"
echo "installed $bindir/tsctl -> $here/bin/tsctl"

"$here/bin/tsctl" completion bash > "$bash_dir/tsctl"
"$here/bin/tsctl" completion zsh > "$zsh_dir/_tsctl"
"$here/bin/tsctl" completion fish > "$fish_dir/tsctl.fish"
echo "installed completion: $bash_dir/tsctl $zsh_dir/_tsctl $fish_dir/tsctl.fish"

case ":${PATH}:" in
  *":$bindir:"*) ;;
  *) echo "note: $bindir is not on your PATH; add it, e.g. export PATH=\"$bindir:\$PATH\"" ;;
esac
"$bindir/tsupervisord" --version
"$bindir/tsctl" --version

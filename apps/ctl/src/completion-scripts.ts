/** `tsctl completion bash|zsh|fish`: shell scripts that complete actions, and names by asking tsctl itself. */

const ACTION_WORDS =
  "add avail clear exit fg help maintail open pid quit reload remove reread restart shutdown signal start status stop tail top update version completion context";

const BASH = `# tsctl bash completion: eval "$(tsctl completion bash)"
_tsctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  # group:name holds a colon, which bash splits words at: with bash-completion, keep it as one word.
  if declare -F _get_comp_words_by_ref >/dev/null; then _get_comp_words_by_ref -n : cur; fi
  local i action="" opts=()
  # issue 19: after --context / -H, the names of ~/.config/tsctl/contexts.
  case "\${COMP_WORDS[COMP_CWORD-1]}" in
    --context|-H|--hosts)
      COMPREPLY=($(compgen -W "$(tsctl context list 2>/dev/null | cut -d' ' -f1)" -- "$cur")); return ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -c|-s|-u|-p|-r|-H|--context|--hosts) opts+=("\${COMP_WORDS[i]}" "\${COMP_WORDS[i+1]}"); ((i++)) ;;
      -*) opts+=("\${COMP_WORDS[i]}") ;;
      *) action="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$action" ]]; then
    COMPREPLY=($(compgen -W "${ACTION_WORDS}" -- "$cur"))
    return
  fi
  case "$action" in
    add|remove|update)
      COMPREPLY=($(compgen -W "$(tsctl "\${opts[@]}" status --json 2>/dev/null | sed -n 's/^ *"group": "\\(.*\\)",$/\\1/p' | sort -u)" -- "$cur")) ;;
    clear|fg|pid|restart|signal|start|status|stop|tail)
      COMPREPLY=($(compgen -W "all $(tsctl "\${opts[@]}" status --json 2>/dev/null | sed -n 's/^ *"namespec": "\\(.*\\)",$/\\1/p')" -- "$cur")) ;;
    completion)
      COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
    context)
      COMPREPLY=($(compgen -W "list show $(tsctl context list 2>/dev/null | cut -d' ' -f1)" -- "$cur")) ;;
  esac
  if declare -F __ltrim_colon_completions >/dev/null; then __ltrim_colon_completions "$cur"; fi
}
complete -F _tsctl tsctl
`;

const ZSH = `#compdef tsctl
# tsctl zsh completion: eval "$(tsctl completion zsh)"
_tsctl() {
  local -a actions names
  actions=(${ACTION_WORDS})
  if (( CURRENT == 2 )); then
    _describe 'action' actions
    return
  fi
  case "\${words[2]}" in
    add|remove|update)
      names=(\${(f)"$(tsctl status --json 2>/dev/null | sed -n 's/^ *"group": "\\(.*\\)",$/\\1/p' | sort -u)"}) ;;
    clear|fg|pid|restart|signal|start|status|stop|tail)
      names=(all \${(f)"$(tsctl status --json 2>/dev/null | sed -n 's/^ *"namespec": "\\(.*\\)",$/\\1/p')"}) ;;
    completion) names=(bash zsh fish) ;;
  esac
  compadd -a names
}
# Autoloaded from fpath (scripts/install.sh puts it in site-functions as _tsctl): complete now; eval'd: register.
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then _tsctl "$@"; else compdef _tsctl tsctl; fi
`;

const FISH = `# tsctl fish completion: tsctl completion fish | source
function __tsctl_names
    tsctl status --json 2>/dev/null | string match -r '"namespec": "(.*)"' | string match -v -r '"namespec"'
end
function __tsctl_groups
    tsctl status --json 2>/dev/null | string match -r '"group": "(.*)"' | string match -v -r '"group"' | sort -u
end
complete -c tsctl -f
complete -c tsctl -n "__fish_use_subcommand" -a "${ACTION_WORDS}"
complete -c tsctl -n "__fish_seen_subcommand_from clear fg pid restart signal start status stop tail" -a "all (__tsctl_names)"
complete -c tsctl -n "__fish_seen_subcommand_from add remove update" -a "(__tsctl_groups)"
complete -c tsctl -n "__fish_seen_subcommand_from completion" -a "bash zsh fish"
`;

export const COMPLETION_SCRIPTS: Readonly<Record<string, string>> = { bash: BASH, zsh: ZSH, fish: FISH };

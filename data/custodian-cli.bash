# bash completion for custodian-cli
#
# The commands and their options are read from the program's own --help
# (in the C locale), so a new command completes without changes here.

_custodian_cli_help ()
{
    LC_ALL=C.UTF-8 LANGUAGE= "$@" --help 2>/dev/null
}

# The command words ("db migrate", "evidence") from the top-level help, into
# the caller's array "commands".  Each Tab reads the help again; the parsing
# is bash's own, not a pipeline of programs, so a Tab starts one process.
_custodian_cli_commands ()
{
    local line listing= re='^  ([^ ]+( [^ ]+)?) +[^ ]'
    commands=()
    while IFS= read -r line; do
        if [ -z "$listing" ]; then
            [[ $line == Commands:* ]] && listing=1
            continue
        fi
        [ -n "$line" ] || break
        [[ $line =~ $re ]] && commands+=("${BASH_REMATCH[1]}")
    done <<<"$(_custodian_cli_help "$1")"
}

# Each distinct word of the arguments once, into the caller's array "words".
_custodian_cli_unique ()
{
    local -A seen=()
    local word
    words=()
    for word in "$@"; do
        [ -n "${seen[$word]+set}" ] && continue
        seen[$word]=1
        words+=("$word")
    done
}

# The options (--name) a command's help $1 lists, into the caller's array
# "words", each once; with $2, only the first word that starts with "$2=".
_custodian_cli_options ()
{
    local line word re='^(--[A-Za-z][A-Za-z0-9-]*)'
    local -a found=() split=()
    while IFS= read -r line; do
        read -ra split <<<"${line//,/ }"
        for word in "${split[@]}"; do
            if [ -n "${2:-}" ]; then
                [[ $word == "$2="* ]] && { words=("$word"); return 0; }
            elif [[ $word =~ $re ]]; then
                found+=("${BASH_REMATCH[1]}")
            fi
        done
    done <<<"$1"
    if [ -n "${2:-}" ]; then words=(); else _custodian_cli_unique "${found[@]}"; fi
}

_custodian_cli ()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cli=${COMP_WORDS[0]} i=1 line
    local -a typed=() commands=() matches=() words=()
    COMPREPLY=()

    # Options of custodian-cli itself come before the command.
    while [ "$i" -lt "$COMP_CWORD" ]; do
        case ${COMP_WORDS[i]} in
            --database|-d|--report-database|--report-lag-limit) i=$((i + 2)) ;;
            --database=*|-*) i=$((i + 1)) ;;
            *) break ;;
        esac
    done
    if [ "$prev" = --database ] || [ "$prev" = -d ] || [ "$prev" = --report-database ] ||
       [ "$prev" = --report-lag-limit ]; then
        return 0   # a connection string or a number: nothing to offer
    fi

    _custodian_cli_commands "$cli"
    typed=("${COMP_WORDS[@]:i:COMP_CWORD-i}")

    # Which command is complete already?  Its words are all typed.
    local command=
    for line in "${commands[@]}"; do
        local -a parts=($line)
        if [ "${#typed[@]}" -ge "${#parts[@]}" ] && [ "${typed[*]:0:${#parts[@]}}" = "$line" ]; then
            command=$line
        fi
    done

    if [ -z "$command" ]; then
        # The next word of a command: the group, then the name.
        local n=${#typed[@]}
        if [ "$n" -eq 0 ] && [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--database --report-database --report-lag-limit --allow-primary --help" -- "$cur"))
            return 0
        fi
        for line in "${commands[@]}"; do
            local -a parts=($line)
            if [ "${typed[*]}" = "${parts[*]:0:n}" ] && [ "$n" -lt "${#parts[@]}" ]; then
                matches+=("${parts[n]}")
            fi
        done
        _custodian_cli_unique "${matches[@]}"
        COMPREPLY=($(compgen -W "${words[*]}" -- "$cur"))
        return 0
    fi

    # A longer command that starts with this one ("deadline rules" after
    # "deadline"): its next word, while no option is being typed.
    local -a command_words=($command)
    if [[ $cur != -* ]] && [ "${#typed[@]}" -eq "${#command_words[@]}" ]; then
        local n=${#typed[@]}
        for line in "${commands[@]}"; do
            local -a parts=($line)
            if [ "$n" -lt "${#parts[@]}" ] && [ "${typed[*]}" = "${parts[*]:0:n}" ]; then
                matches+=("${parts[n]}")
            fi
        done
        if [ "${#matches[@]}" -gt 0 ]; then
            _custodian_cli_unique "${matches[@]}"
            COMPREPLY=($(compgen -W "${words[*]}" -- "$cur"))
            [ "${#COMPREPLY[@]}" -gt 0 ] && return 0
        fi
    fi

    # Options of the command; a value after one that takes a file name.
    local help
    help=$(_custodian_cli_help "$cli" $command)
    if [[ $prev == -* ]]; then
        _custodian_cli_options "$help" "$prev"
        case ${words[0]:-} in
            *=*FILE*|*=*.pdf|*=*.csv|*=*.json) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
            *=*) return 0 ;;
        esac
    fi
    local argument='\[OPTION…\] [A-Z]'
    if [[ $cur == -* ]]; then
        _custodian_cli_options "$help"
        COMPREPLY=($(compgen -W "${words[*]}" -- "$cur"))
    elif [[ $help =~ $argument ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))   # the command's argument, e.g. BILL.csv
    fi
    return 0
}

complete -o filenames -F _custodian_cli custodian-cli

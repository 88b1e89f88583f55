# bash completion for custodian-cli
#
# The commands and their options are read from the program's own --help
# (in the C locale), so a new command completes without changes here.

_custodian_cli_help ()
{
    LC_ALL=C.UTF-8 LANGUAGE= "$@" --help 2>/dev/null
}

# The command words ("db migrate", "evidence") from the top-level help.
_custodian_cli_commands ()
{
    _custodian_cli_help "$1" | sed -n '/^Commands:/,/^$/{s/^  \([^ ]\+\( [^ ]\+\)\?\)  *[^ ].*$/\1/p}'
}

_custodian_cli ()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cli=${COMP_WORDS[0]} i=1 line
    local -a typed=() commands=() matches=()
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

    mapfile -t commands < <(_custodian_cli_commands "$cli")
    typed=("${COMP_WORDS[@]:i:COMP_CWORD-i}")

    # Which command is complete already?  Its words are all typed.
    local command=
    for line in "${commands[@]}"; do
        local -a words=($line)
        if [ "${#typed[@]}" -ge "${#words[@]}" ] && [ "${typed[*]:0:${#words[@]}}" = "$line" ]; then
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
            local -a words=($line)
            if [ "${typed[*]}" = "${words[*]:0:n}" ] && [ "$n" -lt "${#words[@]}" ]; then
                matches+=("${words[n]}")
            fi
        done
        COMPREPLY=($(compgen -W "$(printf '%s\n' "${matches[@]}" | sort -u)" -- "$cur"))
        return 0
    fi

    # A longer command that starts with this one ("deadline rules" after
    # "deadline"): its next word, while no option is being typed.
    if [[ $cur != -* ]] && [ "${#typed[@]}" -eq "$(wc -w <<<"$command")" ]; then
        local n=${#typed[@]}
        for line in "${commands[@]}"; do
            local -a words=($line)
            if [ "$n" -lt "${#words[@]}" ] && [ "${typed[*]}" = "${words[*]:0:n}" ]; then
                matches+=("${words[n]}")
            fi
        done
        if [ "${#matches[@]}" -gt 0 ]; then
            COMPREPLY=($(compgen -W "$(printf '%s\n' "${matches[@]}" | sort -u)" -- "$cur"))
            [ "${#COMPREPLY[@]}" -gt 0 ] && return 0
        fi
    fi

    # Options of the command; a value after one that takes a file name.
    local help
    help=$(_custodian_cli_help "$cli" $command)
    if [[ $prev == -* ]]; then
        local spec
        spec=$(printf '%s\n' "$help" | grep -oE -- "(^|[ ,])$prev=[^ ]+" | head -n1)
        case $spec in
            *=*FILE*|*=*.pdf|*=*.csv|*=*.json) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
            *=*) return 0 ;;
        esac
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(printf '%s\n' "$help" | grep -oE -- '(^|[ ,])--[A-Za-z][A-Za-z0-9-]*' | tr -d ' ,' | sort -u)" -- "$cur"))
    elif printf '%s\n' "$help" | grep -qE '\[OPTION…\] [A-Z]'; then
        COMPREPLY=($(compgen -f -- "$cur"))   # the command's argument, e.g. BILL.csv
    fi
    return 0
}

complete -o filenames -F _custodian_cli custodian-cli

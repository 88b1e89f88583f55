#!/usr/bin/env bash
# Checks that custodian-cli's manual and bash completion cover every command
# the dispatcher has.  The list of commands comes from the program itself
# (`custodian-cli --help`), never from this file, so a new command that is
# missing from either fails here.
#
# Usage: check-cli-docs.sh CUSTODIAN_CLI MAN_PAGE COMPLETION
set -uo pipefail
cli=$1 man=$2 completion=$3
export LC_ALL=C.UTF-8 LANGUAGE= GSETTINGS_BACKEND=memory
failed=0 passed=0
ok ()   { passed=$((passed + 1)); }
fail () { echo "not ok: $*"; failed=$((failed + 1)); }
# Whether the lines of $1 include the line $2, without a grep process (the
# script makes about a thousand such checks).
has_line () { [[ $'\n'$1$'\n' == *$'\n'"$2"$'\n'* ]]; }

mapfile -t commands < <("$cli" --help | sed -n '/^Commands:/,/^$/{s/^  \([^ ]\+\( [^ ]\+\)\?\)  *[^ ].*$/\1/p}')
# The dispatcher has at least db migrate/status/seed-demo, audit, document,
# fee, report and statement: a parse that finds fewer is broken.
[ "${#commands[@]}" -ge 8 ] && ok || fail "custodian-cli --help lists only ${#commands[@]} commands"

# The manual: valid roff, and every command and each of its options in it.
warnings=$(groff -k -t -man -ww -z "$man" 2>&1)
[ -z "$warnings" ] && ok || fail "groff warns about $man: $warnings"
# Each command's help, read once: the program takes ~50 ms to start (a
# hundred shared libraries), and this script needs each help several times.
declare -A helps=() options=()
for command in "${commands[@]}"; do
    helps[$command]=$("$cli" $command --help) && ok || fail "custodian-cli $command --help exits $?"
    options[$command]=$(grep -oE -- '(^|[ ,])--[a-z][a-z0-9-]*' <<<"${helps[$command]}" | tr -d ' ,' | sort -u)
done
manual=$(<"$man")
for command in "${commands[@]}"; do
    [[ $'\n'${helps[$command]} == *$'\n'Usage:* ]] && ok || fail "custodian-cli $command --help prints no usage"
    [[ $manual == *".SS \"${command//-/\\-}\""* ]] && ok || fail "$command is not in the manual"
    for option in ${options[$command]}; do
        [ "$option" = --help ] && continue
        [[ $manual == *"${option//-/\\-}"* ]] && ok || fail "$command $option is not in the manual"
    done
done

# Bash completion: as a person would press Tab.
. "$completion"
complete -p custodian-cli >/dev/null && ok || fail "the completion is not registered for custodian-cli"
cli_dir=$(cd "$(dirname "$cli")" && pwd)
export PATH="$cli_dir:$PATH"
# The completion asks the program for its help at every Tab; here the
# answers are kept after the first, as the helps above (the completion's
# own reading of them is what is tested, not the program's start).
eval "_custodian_cli_help_uncached () $(declare -f _custodian_cli_help | tail -n +2)"
declare -A help_cache=()
_custodian_cli_help () {
    local key="$*"
    [ -n "${help_cache[$key]+set}" ] || help_cache[$key]=$(_custodian_cli_help_uncached "$@")
    printf '%s\n' "${help_cache[$key]}"
}
# Filled here, in this shell: each Tab below runs in a subshell.
help_cache[custodian-cli]=$(_custodian_cli_help_uncached "$cli")
for command in "${commands[@]}"; do help_cache["custodian-cli $command"]=${helps[$command]}; done
complete_words () {
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
    _custodian_cli
    printf '%s\n' "${COMPREPLY[@]}"
}
for command in "${commands[@]}"; do
    words=($command)
    # Each word of the command is offered after the ones before it...
    for ((n = 0; n < ${#words[@]}; n++)); do
        has_line "$(complete_words custodian-cli "${words[@]:0:n}" "${words[n]:0:1}")" "${words[n]}" \
            && ok || fail "Tab after '${words[*]:0:n}' does not offer '${words[n]}'"
    done
    # ...then every option the command has.
    offered=$(complete_words custodian-cli "${words[@]}" --)
    for option in ${options[$command]}; do
        has_line "$offered" "$option" && ok || fail "Tab after '$command --' does not offer $option"
    done
done
# Only what fits: a prefix narrows the list, a finished command offers no
# command words, and --database's value is left to the user.
[ "$(complete_words custodian-cli db s | sort | tr '\n' ' ')" = "seed-demo status " ] && ok \
    || fail "Tab after 'db s' offers: $(complete_words custodian-cli db s | tr '\n' ' ')"
[ -z "$(complete_words custodian-cli fee quote "")" ] && ok || fail "Tab after 'fee quote' offers words"
[ -z "$(complete_words custodian-cli --database "")" ] && ok || fail "Tab after --database offers words"
[ "$(complete_words custodian-cli --database 'dbname=x' fe)" = fee ] && ok \
    || fail "Tab after --database CONNINFO does not offer the commands"
tmp=$(mktemp -d); touch "$tmp/bill-one.csv"
[ "$(complete_words custodian-cli statement render --output "$tmp/bill-o")" = "$tmp/bill-one.csv" ] && ok \
    || fail "Tab after --output does not offer file names"
rm -rf "$tmp"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

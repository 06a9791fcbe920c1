#!/bin/bash

__coachlog_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__coachlog_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__coachlog_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__coachlog_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_coachlog() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __coachlog_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    session|goal|commit|review|insight|commitment|merge|followthrough|open|cadence|goals|topics|sessions|team|prep|log|tail|stats|ping|backup|forget|export|import|help)
        # Offer subcommand argument completions
        "_coachlog_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'session goal commit review insight commitment merge followthrough open cadence goals topics sessions team prep log tail stats ping backup forget export import help' -- "${cur}"))
        ;;
    esac
}

_coachlog_session() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __coachlog_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    open|close|void)
        # Offer subcommand argument completions
        "_coachlog_session_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'open close void' -- "${cur}"))
        ;;
    esac
}

_coachlog_session_open() {
    repeating_flags=()
    non_repeating_flags=(--new-salesperson --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --coach --topics --id --at --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--coach')
        return
        ;;
    '--topics')
        return
        ;;
    '--id')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_session_close() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --session --at --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--session')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_session_void() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --reason --at --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--reason')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_goal() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __coachlog_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    state|amend|achieved|dropped)
        # Offer subcommand argument completions
        "_coachlog_goal_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'state amend achieved dropped' -- "${cur}"))
        ;;
    esac
}

_coachlog_goal_state() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--area --id --salesperson --session --at --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--area')
        return
        ;;
    '--id')
        return
        ;;
    '--salesperson')
        return
        ;;
    '--session')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_goal_amend() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --reason --at --socket)
    __coachlog_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--reason')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_goal_achieved() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --reason --at --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--reason')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_goal_dropped() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --reason --at --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--reason')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_commit() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--due --goal --id --salesperson --session --at --socket)
    __coachlog_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--due')
        return
        ;;
    '--goal')
        return
        ;;
    '--id')
        return
        ;;
    '--salesperson')
        return
        ;;
    '--session')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_review() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __coachlog_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    record|correct)
        # Offer subcommand argument completions
        "_coachlog_review_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'record correct' -- "${cur}"))
        ;;
    esac
}

_coachlog_review_record() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--note --salesperson --session --at --socket)
    __coachlog_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--note')
        return
        ;;
    '--salesperson')
        return
        ;;
    '--session')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_review_correct() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--note --salesperson --reason --at --socket)
    __coachlog_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--note')
        return
        ;;
    '--salesperson')
        return
        ;;
    '--reason')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_insight() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --session --at --socket)
    __coachlog_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--session')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_commitment() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __coachlog_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    amend|withdraw)
        # Offer subcommand argument completions
        "_coachlog_commitment_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'amend withdraw' -- "${cur}"))
        ;;
    esac
}

_coachlog_commitment_amend() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--text --kind --due --goal --salesperson --reason --at --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--text')
        return
        ;;
    '--kind')
        return
        ;;
    '--due')
        return
        ;;
    '--goal')
        return
        ;;
    '--salesperson')
        return
        ;;
    '--reason')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_commitment_withdraw() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --reason --at --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--reason')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_merge() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--into --reason --at --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--into')
        return
        ;;
    '--reason')
        return
        ;;
    '--at')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_followthrough() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --coach --weeks --as-of --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--coach')
        return
        ;;
    '--weeks')
        return
        ;;
    '--as-of')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_open() {
    repeating_flags=()
    non_repeating_flags=(--overdue --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --coach --as-of --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--coach')
        return
        ;;
    '--as-of')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_cadence() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --coach --as-of --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--coach')
        return
        ;;
    '--as-of')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_goals() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --weeks --as-of --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--weeks')
        return
        ;;
    '--as-of')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_topics() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --as-of --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--as-of')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_sessions() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_team() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--coach --weeks --trend-weeks --as-of --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--coach')
        return
        ;;
    '--weeks')
        return
        ;;
    '--trend-weeks')
        return
        ;;
    '--as-of')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_prep() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --as-of --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--as-of')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_log() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --after --limit --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--after')
        return
        ;;
    '--limit')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_tail() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --after --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--after')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_stats() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    esac
}

_coachlog_ping() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    esac
}

_coachlog_backup() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    esac
}

_coachlog_forget() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--salesperson --socket)
    __coachlog_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--salesperson')
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_export() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--format --table --socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--format')
        __coachlog_add_completions -W 'jsonl'$'\n''csv'
        return
        ;;
    '--table')
        __coachlog_add_completions -W 'commitments'$'\n''sessions'
        return
        ;;
    '--socket')
        return
        ;;
    esac
}

_coachlog_import() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--socket)
    __coachlog_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    esac
}

_coachlog_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __coachlog_offer_flags_options -1
}

complete -o filenames -F _coachlog coachlog

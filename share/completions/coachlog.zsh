#compdef coachlog

__coachlog_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__coachlog_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __coachlog_complete "${completions[@]:0:-1}"
    fi
}

__coachlog_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_coachlog() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'session:Open or close a coaching session, or void one recorded by mistake.'
            'goal:Record a personal goal the salesperson states; restate it, mark it achieved or dropped.'
            'commit:Record a commitment for the coming week: more, better or different.'
            'review:Review a commitment in a later session: kept, partial or missed; correct a review.'
            'insight:Note an insight on one of the four topics.'
            'commitment:Amend or withdraw a commitment recorded wrong (`commit` records one).'
            'merge:Merge a salesperson'\''s name into another'\''s: one person from now on.'
            'followthrough:Commitment follow-through: the say-do rate, by kind, with a weekly trend.'
            'open:Open commitments (made, not yet reviewed); overdue ones marked.'
            'cadence:How regularly each salesperson is coached.'
            'goals:A salesperson'\''s goals, their status, and how the commitments serving them went.'
            'topics:When each of the four topics was last covered with a salesperson.'
            'sessions:A salesperson'\''s sessions; the open one marked.'
            'team:Every salesperson at a glance, who needs attention first.'
            'prep:What to bring to a salesperson'\''s next one-on-one.'
            'log:The recorded history, oldest first, corrections included.'
            'tail:Follow new events live (Ctrl-C to stop).'
            'stats:The daemon'\''s figures: position, events, people, connections, size.'
            'ping:Check that the daemon answers, and how fast.'
            'backup:Write a consistent copy of the store while the daemon keeps serving.'
            'forget:Erase one salesperson'\''s name and free text for good, keeping their counts (operator only).'
            'export:Write every event as JSON Lines, with its eventId, or a CSV table for spreadsheets (default: to standard output).'
            'import:Replay an export into the daemon; safe to run twice (events keep their eventIds).'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        session|goal|commit|review|insight|commitment|merge|followthrough|open|cadence|goals|topics|sessions|team|prep|log|tail|stats|ping|backup|forget|export|import|help)
            "_coachlog_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_coachlog_session() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'open:Open a session with a salesperson.'
            'close:Close a salesperson'\''s session (default: their open one).'
            'void:Void a session recorded by mistake: it and everything in it leave every view.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        open|close|void)
            "_coachlog_session_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_coachlog_session_open() {
    local -i ret=1
    local -ar arg_specs=(
        '--salesperson[The salesperson being coached.]:salesperson:'
        '--coach[The coach holding the session.]:coach:'
        '--topics[Topics covered, comma-separated\: self-concept, identity-role, personal-goals (goals) or behavioral-reflection (reflection).]:LIST:'
        '--id[The new session'\''s id (default\: generated).]:ID:'
        '--at[When it started (default\: now).]:TIME:'
        '--new-salesperson[Confirm a new salesperson whose name looks like an existing one'\''s.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_session_close() {
    local -i ret=1
    local -ar arg_specs=(
        '--salesperson[The salesperson this is about.]:salesperson:'
        '--session[The session (default\: the salesperson'\''s open session).]:ID:'
        '--at[When it happened\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_session_void() {
    local -i ret=1
    local -ar arg_specs=(
        ':session:'
        '--salesperson[The salesperson whose record this corrects.]:salesperson:'
        '--reason[Why the record was wrong (kept in the log, shown next to it).]:TEXT:'
        '--at[When the correction was made\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_goal() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'state:Record a personal goal the salesperson states (the default: `coachlog goal TEXT`).'
            'amend:Restate a goal'\''s text.'
            'achieved:Mark a goal achieved (on the day of --at, default today).'
            'dropped:Mark a goal dropped (on the day of --at, default today).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        state|amend|achieved|dropped)
            "_coachlog_goal_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_coachlog_goal_state() {
    local -i ret=1
    local -ar arg_specs=(
        ':text:'
        '--area[A one-word area\: income, leadership, balance, community, ...]:area:'
        '--id[The new goal'\''s id (default\: generated).]:ID:'
        '--salesperson[The salesperson this is about.]:salesperson:'
        '--session[The session (default\: the salesperson'\''s open session).]:ID:'
        '--at[When it happened\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_goal_amend() {
    local -i ret=1
    local -ar arg_specs=(
        ':goal:'
        ':text:'
        '--salesperson[The salesperson whose record this corrects.]:salesperson:'
        '--reason[Why the record was wrong (kept in the log, shown next to it).]:TEXT:'
        '--at[When the correction was made\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_goal_achieved() {
    local -i ret=1
    local -ar arg_specs=(
        ':goal:'
        '--salesperson[The salesperson whose record this corrects.]:salesperson:'
        '--reason[Why the record was wrong (kept in the log, shown next to it).]:TEXT:'
        '--at[When the correction was made\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_goal_dropped() {
    local -i ret=1
    local -ar arg_specs=(
        ':goal:'
        '--salesperson[The salesperson whose record this corrects.]:salesperson:'
        '--reason[Why the record was wrong (kept in the log, shown next to it).]:TEXT:'
        '--at[When the correction was made\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_commit() {
    local -i ret=1
    local -ar arg_specs=(
        ':kind:'
        ':text:'
        '--due[Due date, YYYY-MM-DD (default\: a week after the session).]:DATE:'
        '--goal[The goal this commitment serves.]:ID:'
        '--id[The new commitment'\''s id (default\: generated).]:ID:'
        '--salesperson[The salesperson this is about.]:salesperson:'
        '--session[The session (default\: the salesperson'\''s open session).]:ID:'
        '--at[When it happened\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_review() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'record:Review a commitment in a later session (the default: `coachlog review ID OUTCOME`).'
            'correct:Correct a review'\''s outcome or note; the new ones count from now on.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        record|correct)
            "_coachlog_review_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_coachlog_review_record() {
    local -i ret=1
    local -ar arg_specs=(
        ':commitment:'
        ':outcome:'
        '--note[A note on how it went.]:note:'
        '--salesperson[The salesperson this is about.]:salesperson:'
        '--session[The session (default\: the salesperson'\''s open session).]:ID:'
        '--at[When it happened\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_review_correct() {
    local -i ret=1
    local -ar arg_specs=(
        ':commitment:'
        ':outcome:'
        '--note[The right note.]:note:'
        '--salesperson[The salesperson whose record this corrects.]:salesperson:'
        '--reason[Why the record was wrong (kept in the log, shown next to it).]:TEXT:'
        '--at[When the correction was made\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_insight() {
    local -i ret=1
    local -ar arg_specs=(
        ':topic:'
        ':text:'
        '--salesperson[The salesperson this is about.]:salesperson:'
        '--session[The session (default\: the salesperson'\''s open session).]:ID:'
        '--at[When it happened\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_commitment() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'amend:Correct a commitment'\''s text, kind, due date or goal.'
            'withdraw:Withdraw a commitment: no longer open, never counted as reviewed.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        amend|withdraw)
            "_coachlog_commitment_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_coachlog_commitment_amend() {
    local -i ret=1
    local -ar arg_specs=(
        ':commitment:'
        '--text[The right text.]:text:'
        '--kind[The right kind\: more, better or different.]:kind:'
        '--due[The right due date, YYYY-MM-DD.]:DATE:'
        '--goal[The goal it serves.]:ID:'
        '--salesperson[The salesperson whose record this corrects.]:salesperson:'
        '--reason[Why the record was wrong (kept in the log, shown next to it).]:TEXT:'
        '--at[When the correction was made\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_commitment_withdraw() {
    local -i ret=1
    local -ar arg_specs=(
        ':commitment:'
        '--salesperson[The salesperson whose record this corrects.]:salesperson:'
        '--reason[Why the record was wrong (kept in the log, shown next to it).]:TEXT:'
        '--at[When the correction was made\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_merge() {
    local -i ret=1
    local -ar arg_specs=(
        ':name:'
        '--into[The name that stays.]:NAME:'
        '--reason[Why (kept in the log).]:TEXT:'
        '--at[When\: a date or an ISO 8601 time (default\: now).]:TIME:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_followthrough() {
    local -i ret=1
    local -ar arg_specs=(
        '--salesperson[Only this salesperson.]:salesperson:'
        '--coach[Only the salespeople this coach coaches now.]:coach:'
        '--weeks[Only reviews in the last N weeks (and the N weeks before, for the trend).]:weeks:'
        '--as-of[Evaluate as of this date or time (default\: now).]:DATE:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_open() {
    local -i ret=1
    local -ar arg_specs=(
        '--salesperson[Only this salesperson.]:salesperson:'
        '--coach[Only the salespeople this coach coaches now.]:coach:'
        '--overdue[Only overdue commitments.]'
        '--as-of[Evaluate as of this date or time (default\: now).]:DATE:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_cadence() {
    local -i ret=1
    local -ar arg_specs=(
        '--salesperson[Only this salesperson.]:salesperson:'
        '--coach[Only the salespeople this coach coaches now.]:coach:'
        '--as-of[Evaluate as of this date or time (default\: now).]:DATE:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_goals() {
    local -i ret=1
    local -ar arg_specs=(
        ':salesperson:'
        '--salesperson[The salesperson.]:salesperson:'
        '--weeks[Count only the reviews of the last N weeks.]:weeks:'
        '--as-of[Evaluate as of this date or time (default\: now).]:DATE:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_topics() {
    local -i ret=1
    local -ar arg_specs=(
        ':salesperson:'
        '--salesperson[The salesperson.]:salesperson:'
        '--as-of[Evaluate as of this date or time (default\: now).]:DATE:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_sessions() {
    local -i ret=1
    local -ar arg_specs=(
        ':salesperson:'
        '--salesperson[The salesperson.]:salesperson:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_team() {
    local -i ret=1
    local -ar arg_specs=(
        '--coach[Only the salespeople this coach coaches now.]:coach:'
        '--weeks[Follow-through over the last N weeks, compared with the N before (default 4).]:weeks:'
        '--trend-weeks[Weekly points in the trend, 1 to 52 (default\: as many as --weeks).]:trend-weeks:'
        '--as-of[Evaluate as of this date or time (default\: now).]:DATE:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_prep() {
    local -i ret=1
    local -ar arg_specs=(
        ':salesperson:'
        '--salesperson[The salesperson.]:salesperson:'
        '--as-of[Evaluate as of this date or time (default\: now).]:DATE:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_log() {
    local -i ret=1
    local -ar arg_specs=(
        '--salesperson[Only this salesperson'\''s events.]:salesperson:'
        '--after[Start after this position.]:after:'
        '--limit[At most this many events (default\: all).]:limit:'
        '--json[Print JSON Lines\: one event envelope per line, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_tail() {
    local -i ret=1
    local -ar arg_specs=(
        '--salesperson[Only this salesperson'\''s events.]:salesperson:'
        '--after[Start after this position (default\: now, only new events).]:after:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_stats() {
    local -i ret=1
    local -ar arg_specs=(
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_ping() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_backup() {
    local -i ret=1
    local -ar arg_specs=(
        ':path:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_forget() {
    local -i ret=1
    local -ar arg_specs=(
        '--salesperson[The salesperson to forget, exactly as recorded.]:salesperson:'
        '--json[Print the daemon'\''s JSON result unchanged, for scripts.]'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_export() {
    local -i ret=1
    local -ar ___format=('jsonl' 'csv')
    local -ar ___table=('commitments' 'sessions')
    local -ar arg_specs=(
        ':file:'
        '--format[jsonl (every event, for `coachlog import`) or csv (one table).]:format:{__coachlog_complete "${___format[@]}"}'
        '--table[With --format csv\: commitments (default) or sessions.]:table:{__coachlog_complete "${___table[@]}"}'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_import() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--socket[coachlogd'\''s socket (default\: $COACHLOG_SOCKET or the daemon'\''s default).]:PATH:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_coachlog_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _coachlog ]]; then
    _coachlog "${@}"
else
    compdef _coachlog coachlog
fi

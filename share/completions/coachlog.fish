function __coachlog_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __coachlog_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __coachlog_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __coachlog_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __coachlog_parse_tokens -S
    set -l unparsed_tokens (__coachlog_tokens -pc)
    switch $unparsed_tokens[1]
    case 'coachlog'
        __coachlog_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'session'
            __coachlog_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'open'
                __coachlog_parse_subcommand 0 'salesperson=' 'coach=' 'topics=' 'id=' 'at=' 'new-salesperson' 'socket=' 'version' 'h/help'
            case 'close'
                __coachlog_parse_subcommand 0 'salesperson=' 'session=' 'at=' 'socket=' 'version' 'h/help'
            case 'void'
                __coachlog_parse_subcommand 1 'salesperson=' 'reason=' 'at=' 'socket=' 'version' 'h/help'
            end
        case 'goal'
            __coachlog_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'state'
                __coachlog_parse_subcommand 1 'area=' 'id=' 'salesperson=' 'session=' 'at=' 'socket=' 'version' 'h/help'
            case 'amend'
                __coachlog_parse_subcommand 2 'salesperson=' 'reason=' 'at=' 'socket=' 'version' 'h/help'
            case 'achieved'
                __coachlog_parse_subcommand 1 'salesperson=' 'reason=' 'at=' 'socket=' 'version' 'h/help'
            case 'dropped'
                __coachlog_parse_subcommand 1 'salesperson=' 'reason=' 'at=' 'socket=' 'version' 'h/help'
            end
        case 'commit'
            __coachlog_parse_subcommand 2 'due=' 'goal=' 'id=' 'salesperson=' 'session=' 'at=' 'socket=' 'version' 'h/help'
        case 'review'
            __coachlog_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'record'
                __coachlog_parse_subcommand 2 'note=' 'salesperson=' 'session=' 'at=' 'socket=' 'version' 'h/help'
            case 'correct'
                __coachlog_parse_subcommand 2 'note=' 'salesperson=' 'reason=' 'at=' 'socket=' 'version' 'h/help'
            end
        case 'insight'
            __coachlog_parse_subcommand 2 'salesperson=' 'session=' 'at=' 'socket=' 'version' 'h/help'
        case 'commitment'
            __coachlog_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'amend'
                __coachlog_parse_subcommand 1 'text=' 'kind=' 'due=' 'goal=' 'salesperson=' 'reason=' 'at=' 'socket=' 'version' 'h/help'
            case 'withdraw'
                __coachlog_parse_subcommand 1 'salesperson=' 'reason=' 'at=' 'socket=' 'version' 'h/help'
            end
        case 'merge'
            __coachlog_parse_subcommand 1 'into=' 'reason=' 'at=' 'socket=' 'version' 'h/help'
        case 'followthrough'
            __coachlog_parse_subcommand 0 'salesperson=' 'coach=' 'weeks=' 'as-of=' 'json' 'socket=' 'version' 'h/help'
        case 'open'
            __coachlog_parse_subcommand 0 'salesperson=' 'coach=' 'overdue' 'as-of=' 'json' 'socket=' 'version' 'h/help'
        case 'cadence'
            __coachlog_parse_subcommand 0 'salesperson=' 'coach=' 'as-of=' 'json' 'socket=' 'version' 'h/help'
        case 'goals'
            __coachlog_parse_subcommand 1 'salesperson=' 'weeks=' 'as-of=' 'json' 'socket=' 'version' 'h/help'
        case 'topics'
            __coachlog_parse_subcommand 1 'salesperson=' 'as-of=' 'json' 'socket=' 'version' 'h/help'
        case 'sessions'
            __coachlog_parse_subcommand 1 'salesperson=' 'json' 'socket=' 'version' 'h/help'
        case 'team'
            __coachlog_parse_subcommand 0 'coach=' 'weeks=' 'trend-weeks=' 'as-of=' 'json' 'socket=' 'version' 'h/help'
        case 'prep'
            __coachlog_parse_subcommand 1 'salesperson=' 'as-of=' 'json' 'socket=' 'version' 'h/help'
        case 'log'
            __coachlog_parse_subcommand 0 'salesperson=' 'after=' 'limit=' 'json' 'socket=' 'version' 'h/help'
        case 'tail'
            __coachlog_parse_subcommand 0 'salesperson=' 'after=' 'json' 'socket=' 'version' 'h/help'
        case 'stats'
            __coachlog_parse_subcommand 0 'json' 'socket=' 'version' 'h/help'
        case 'ping'
            __coachlog_parse_subcommand 0 'socket=' 'version' 'h/help'
        case 'backup'
            __coachlog_parse_subcommand 1 'json' 'socket=' 'version' 'h/help'
        case 'forget'
            __coachlog_parse_subcommand 0 'salesperson=' 'json' 'socket=' 'version' 'h/help'
        case 'export'
            __coachlog_parse_subcommand 1 'format=' 'table=' 'socket=' 'version' 'h/help'
        case 'import'
            __coachlog_parse_subcommand 1 'socket=' 'version' 'h/help'
        case 'help'
            __coachlog_parse_subcommand -r 1 'version'
        end
    end
end

function __coachlog_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __coachlog_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __coachlog_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __coachlog_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__coachlog_tokens -p)
    if test -z "$(__coachlog_tokens -t)"
        set -l index (count (__coachlog_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'coachlog' -f
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'session' -d 'Open or close a coaching session, or void one recorded by mistake.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'goal' -d 'Record a personal goal the salesperson states; restate it, mark it achieved or dropped.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'commit' -d 'Record a commitment for the coming week: more, better or different.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'review' -d 'Review a commitment in a later session: kept, partial or missed; correct a review.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'insight' -d 'Note an insight on one of the four topics.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'commitment' -d 'Amend or withdraw a commitment recorded wrong (`commit` records one).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'merge' -d 'Merge a salesperson\'s name into another\'s: one person from now on.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'followthrough' -d 'Commitment follow-through: the say-do rate, by kind, with a weekly trend.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'open' -d 'Open commitments (made, not yet reviewed); overdue ones marked.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'cadence' -d 'How regularly each salesperson is coached.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'goals' -d 'A salesperson\'s goals, their status, and how the commitments serving them went.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'topics' -d 'When each of the four topics was last covered with a salesperson.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'sessions' -d 'A salesperson\'s sessions; the open one marked.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'team' -d 'Every salesperson at a glance, who needs attention first.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'prep' -d 'What to bring to a salesperson\'s next one-on-one.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'log' -d 'The recorded history, oldest first, corrections included.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'tail' -d 'Follow new events live (Ctrl-C to stop).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'stats' -d 'The daemon\'s figures: position, events, people, connections, size.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'ping' -d 'Check that the daemon answers, and how fast.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'backup' -d 'Write a consistent copy of the store while the daemon keeps serving.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'forget' -d 'Erase one salesperson\'s name and free text for good, keeping their counts (operator only).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'export' -d 'Write every event as JSON Lines, with its eventId, or a CSV table for spreadsheets (default: to standard output).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'import' -d 'Replay an export into the daemon; safe to run twice (events keep their eventIds).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog session" -eq 1' -fa 'open' -d 'Open a session with a salesperson.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog session" -eq 1' -fa 'close' -d 'Close a salesperson\'s session (default: their open one).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog session" -eq 1' -fa 'void' -d 'Void a session recorded by mistake: it and everything in it leave every view.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" salesperson' -l 'salesperson' -d 'The salesperson being coached.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" coach' -l 'coach' -d 'The coach holding the session.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" topics' -l 'topics' -d 'Topics covered, comma-separated: self-concept, identity-role, personal-goals (goals) or behavioral-reflection (reflection).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" id' -l 'id' -d 'The new session\'s id (default: generated).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" at' -l 'at' -d 'When it started (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" new-salesperson' -l 'new-salesperson' -d 'Confirm a new salesperson whose name looks like an existing one\'s.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session open" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session close" salesperson' -l 'salesperson' -d 'The salesperson this is about.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session close" session' -l 'session' -d 'The session (default: the salesperson\'s open session).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session close" at' -l 'at' -d 'When it happened: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session close" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session close" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session close" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session void" salesperson' -l 'salesperson' -d 'The salesperson whose record this corrects.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session void" reason' -l 'reason' -d 'Why the record was wrong (kept in the log, shown next to it).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session void" at' -l 'at' -d 'When the correction was made: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session void" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session void" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog session void" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog goal" -eq 1' -fa 'state' -d 'Record a personal goal the salesperson states (the default: `coachlog goal TEXT`).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog goal" -eq 1' -fa 'amend' -d 'Restate a goal\'s text.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog goal" -eq 1' -fa 'achieved' -d 'Mark a goal achieved (on the day of --at, default today).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog goal" -eq 1' -fa 'dropped' -d 'Mark a goal dropped (on the day of --at, default today).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal state" area' -l 'area' -d 'A one-word area: income, leadership, balance, community, ...' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal state" id' -l 'id' -d 'The new goal\'s id (default: generated).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal state" salesperson' -l 'salesperson' -d 'The salesperson this is about.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal state" session' -l 'session' -d 'The session (default: the salesperson\'s open session).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal state" at' -l 'at' -d 'When it happened: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal state" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal state" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal state" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal amend" salesperson' -l 'salesperson' -d 'The salesperson whose record this corrects.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal amend" reason' -l 'reason' -d 'Why the record was wrong (kept in the log, shown next to it).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal amend" at' -l 'at' -d 'When the correction was made: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal amend" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal amend" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal amend" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal achieved" salesperson' -l 'salesperson' -d 'The salesperson whose record this corrects.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal achieved" reason' -l 'reason' -d 'Why the record was wrong (kept in the log, shown next to it).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal achieved" at' -l 'at' -d 'When the correction was made: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal achieved" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal achieved" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal achieved" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal dropped" salesperson' -l 'salesperson' -d 'The salesperson whose record this corrects.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal dropped" reason' -l 'reason' -d 'Why the record was wrong (kept in the log, shown next to it).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal dropped" at' -l 'at' -d 'When the correction was made: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal dropped" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal dropped" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goal dropped" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" due' -l 'due' -d 'Due date, YYYY-MM-DD (default: a week after the session).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" goal' -l 'goal' -d 'The goal this commitment serves.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" id' -l 'id' -d 'The new commitment\'s id (default: generated).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" salesperson' -l 'salesperson' -d 'The salesperson this is about.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" session' -l 'session' -d 'The session (default: the salesperson\'s open session).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" at' -l 'at' -d 'When it happened: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog review" -eq 1' -fa 'record' -d 'Review a commitment in a later session (the default: `coachlog review ID OUTCOME`).'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog review" -eq 1' -fa 'correct' -d 'Correct a review\'s outcome or note; the new ones count from now on.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review record" note' -l 'note' -d 'A note on how it went.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review record" salesperson' -l 'salesperson' -d 'The salesperson this is about.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review record" session' -l 'session' -d 'The session (default: the salesperson\'s open session).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review record" at' -l 'at' -d 'When it happened: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review record" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review record" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review record" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review correct" note' -l 'note' -d 'The right note.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review correct" salesperson' -l 'salesperson' -d 'The salesperson whose record this corrects.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review correct" reason' -l 'reason' -d 'Why the record was wrong (kept in the log, shown next to it).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review correct" at' -l 'at' -d 'When the correction was made: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review correct" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review correct" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog review correct" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog insight" salesperson' -l 'salesperson' -d 'The salesperson this is about.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog insight" session' -l 'session' -d 'The session (default: the salesperson\'s open session).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog insight" at' -l 'at' -d 'When it happened: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog insight" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog insight" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog insight" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog commitment" -eq 1' -fa 'amend' -d 'Correct a commitment\'s text, kind, due date or goal.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_positional "coachlog commitment" -eq 1' -fa 'withdraw' -d 'Withdraw a commitment: no longer open, never counted as reviewed.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" text' -l 'text' -d 'The right text.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" kind' -l 'kind' -d 'The right kind: more, better or different.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" due' -l 'due' -d 'The right due date, YYYY-MM-DD.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" goal' -l 'goal' -d 'The goal it serves.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" salesperson' -l 'salesperson' -d 'The salesperson whose record this corrects.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" reason' -l 'reason' -d 'Why the record was wrong (kept in the log, shown next to it).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" at' -l 'at' -d 'When the correction was made: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment amend" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment withdraw" salesperson' -l 'salesperson' -d 'The salesperson whose record this corrects.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment withdraw" reason' -l 'reason' -d 'Why the record was wrong (kept in the log, shown next to it).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment withdraw" at' -l 'at' -d 'When the correction was made: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment withdraw" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment withdraw" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog commitment withdraw" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog merge" into' -l 'into' -d 'The name that stays.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog merge" reason' -l 'reason' -d 'Why (kept in the log).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog merge" at' -l 'at' -d 'When: a date or an ISO 8601 time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog merge" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog merge" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog merge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog followthrough" salesperson' -l 'salesperson' -d 'Only this salesperson.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog followthrough" coach' -l 'coach' -d 'Only the salespeople this coach coaches now.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog followthrough" weeks' -l 'weeks' -d 'Only reviews in the last N weeks (and the N weeks before, for the trend).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog followthrough" as-of' -l 'as-of' -d 'Evaluate as of this date or time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog followthrough" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog followthrough" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog followthrough" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog followthrough" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog open" salesperson' -l 'salesperson' -d 'Only this salesperson.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog open" coach' -l 'coach' -d 'Only the salespeople this coach coaches now.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog open" overdue' -l 'overdue' -d 'Only overdue commitments.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog open" as-of' -l 'as-of' -d 'Evaluate as of this date or time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog open" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog open" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog open" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog open" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog cadence" salesperson' -l 'salesperson' -d 'Only this salesperson.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog cadence" coach' -l 'coach' -d 'Only the salespeople this coach coaches now.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog cadence" as-of' -l 'as-of' -d 'Evaluate as of this date or time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog cadence" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog cadence" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog cadence" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog cadence" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goals" salesperson' -l 'salesperson' -d 'The salesperson.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goals" weeks' -l 'weeks' -d 'Count only the reviews of the last N weeks.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goals" as-of' -l 'as-of' -d 'Evaluate as of this date or time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goals" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goals" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goals" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog goals" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog topics" salesperson' -l 'salesperson' -d 'The salesperson.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog topics" as-of' -l 'as-of' -d 'Evaluate as of this date or time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog topics" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog topics" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog topics" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog topics" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog sessions" salesperson' -l 'salesperson' -d 'The salesperson.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog sessions" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog sessions" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog sessions" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog sessions" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog team" coach' -l 'coach' -d 'Only the salespeople this coach coaches now.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog team" weeks' -l 'weeks' -d 'Follow-through over the last N weeks, compared with the N before (default 4).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog team" trend-weeks' -l 'trend-weeks' -d 'Weekly points in the trend, 1 to 52 (default: as many as --weeks).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog team" as-of' -l 'as-of' -d 'Evaluate as of this date or time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog team" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog team" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog team" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog team" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog prep" salesperson' -l 'salesperson' -d 'The salesperson.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog prep" as-of' -l 'as-of' -d 'Evaluate as of this date or time (default: now).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog prep" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog prep" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog prep" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog prep" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog log" salesperson' -l 'salesperson' -d 'Only this salesperson\'s events.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog log" after' -l 'after' -d 'Start after this position.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog log" limit' -l 'limit' -d 'At most this many events (default: all).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog log" json' -l 'json' -d 'Print JSON Lines: one event envelope per line, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog log" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog log" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog tail" salesperson' -l 'salesperson' -d 'Only this salesperson\'s events.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog tail" after' -l 'after' -d 'Start after this position (default: now, only new events).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog tail" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog tail" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog tail" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog tail" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog stats" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog stats" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog stats" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog stats" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog ping" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog ping" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog ping" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog backup" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog backup" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog backup" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog backup" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog forget" salesperson' -l 'salesperson' -d 'The salesperson to forget, exactly as recorded.' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog forget" json' -l 'json' -d 'Print the daemon\'s JSON result unchanged, for scripts.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog forget" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog forget" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog forget" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog export" format' -l 'format' -d 'jsonl (every event, for `coachlog import`) or csv (one table).' -rfka 'jsonl csv'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog export" table' -l 'table' -d 'With --format csv: commitments (default) or sessions.' -rfka 'commitments sessions'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog export" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog export" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog import" socket' -l 'socket' -d 'coachlogd\'s socket (default: $COACHLOG_SOCKET or the daemon\'s default).' -rfka ''
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog import" version' -l 'version' -d 'Show the version.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'coachlog' -n '__coachlog_should_offer_completions_for_flags_or_options "coachlog help" version' -l 'version' -d 'Show the version.'


use builtin;
use str;

set edit:completion:arg-completer[hookline] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hookline'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hookline'= {
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sign 'Print the signature headers for a body, ready for `curl -H`'
            cand verify 'Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookline;sign'= {
            cand --scheme 'Signature scheme [default: generic for sign, auto for verify]'
            cand --secret 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET'
            cand --secret-file 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE'
            cand --signature-header 'Header that carries the generic scheme''s signature [default: X-Signature]'
            cand --timestamp 'Unix time to sign with, instead of now (timestamped schemes)'
            cand --id 'Message id to sign with, instead of a random one (standard scheme)'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --json 'Print {"headers": {"Name": "value", …}} instead of `Name: value` lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;verify'= {
            cand --scheme 'Signature scheme [default: generic for sign, auto for verify]'
            cand --secret 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET'
            cand --secret-file 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE'
            cand --signature-header 'Header that carries the generic scheme''s signature [default: X-Signature]'
            cand -H 'A request header, `Name: value`; repeatable'
            cand --header 'A request header, `Name: value`; repeatable'
            cand --signature 'The value of the scheme''s signature header (instead of -H)'
            cand --timestamp 'The timestamp header''s value, with --signature (slack, standard)'
            cand --id 'The webhook-id header''s value, with --signature (standard)'
            cand --tolerance 'How far a signed timestamp may be from now, either way [default: 5m]'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --raw 'Treat BODY as a plain body even when it looks like a capture file'
            cand --json 'Print one JSON object: {"valid", "scheme", "reason", "detail"}'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;completions'= {
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;man'= {
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;help'= {
            cand sign 'Print the signature headers for a body, ready for `curl -H`'
            cand verify 'Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookline;help;sign'= {
        }
        &'hookline;help;verify'= {
        }
        &'hookline;help;completions'= {
        }
        &'hookline;help;man'= {
        }
        &'hookline;help;help'= {
        }
    ]
    $completions[$command]
}

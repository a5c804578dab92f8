# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hookline_global_optspecs
    string join \n config= color= h/help V/version
end

function __fish_hookline_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hookline_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hookline_using_subcommand
    set -l cmd (__fish_hookline_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hookline -n "__fish_hookline_needs_command" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_needs_command" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookline -n "__fish_hookline_needs_command" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "sign" -d 'Print the signature headers for a body, ready for `curl -H`'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "verify" -d 'Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l scheme -d 'Signature scheme [default: generic for sign, auto for verify]' -r -f -a "auto\t'Detect the scheme from the headers present (verify only)'
generic\t'X-Signature: sha256=<hex> over the body'
github\t'X-Hub-Signature-256: sha256=<hex> over the body'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256: <base64> over the body'"
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l secret -d 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET' -r
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l secret-file -d 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l signature-header -d 'Header that carries the generic scheme\'s signature [default: X-Signature]' -r
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l timestamp -d 'Unix time to sign with, instead of now (timestamped schemes)' -r
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l id -d 'Message id to sign with, instead of a random one (standard scheme)' -r
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l json -d 'Print {"headers": {"Name": "value", …}} instead of `Name: value` lines'
complete -c hookline -n "__fish_hookline_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookline -n "__fish_hookline_using_subcommand sign" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l scheme -d 'Signature scheme [default: generic for sign, auto for verify]' -r -f -a "auto\t'Detect the scheme from the headers present (verify only)'
generic\t'X-Signature: sha256=<hex> over the body'
github\t'X-Hub-Signature-256: sha256=<hex> over the body'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256: <base64> over the body'"
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l secret -d 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET' -r
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l secret-file -d 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l signature-header -d 'Header that carries the generic scheme\'s signature [default: X-Signature]' -r
complete -c hookline -n "__fish_hookline_using_subcommand verify" -s H -l header -d 'A request header, `Name: value`; repeatable' -r
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l signature -d 'The value of the scheme\'s signature header (instead of -H)' -r
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l timestamp -d 'The timestamp header\'s value, with --signature (slack, standard)' -r
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l id -d 'The webhook-id header\'s value, with --signature (standard)' -r
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l tolerance -d 'How far a signed timestamp may be from now, either way [default: 5m]' -r
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l raw -d 'Treat BODY as a plain body even when it looks like a capture file'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l json -d 'Print one JSON object: {"valid", "scheme", "reason", "detail"}'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand completions" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand completions" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand man" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand man" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand man" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand man" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify completions man help" -f -a "sign" -d 'Print the signature headers for a body, ready for `curl -H`'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify completions man help" -f -a "verify" -d 'Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify completions man help" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

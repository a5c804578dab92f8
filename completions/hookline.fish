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
complete -c hookline -n "__fish_hookline_needs_command" -f -a "listen" -d 'Receive webhooks locally: verify, show, save, misbehave on purpose, forward'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "send" -d 'Send signed fixtures to an endpoint, with retries and dead letters'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "replay" -d 'Re-send captured requests byte for byte (captures, their folders, JSON lines)'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "probe" -d 'Check a webhook receiver: does it accept good deliveries and reject forged, tampered and stale ones?'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "inspect" -d 'Open the inspector\'s web page over saved captures: look, compare, replay, edit and re-sign'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "relay" -d 'Run a relay: a public endpoint that tunnels each channel\'s webhooks to `listen --relay`'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "fixtures" -d 'The fixtures built into hookline (`send @stripe/invoice.paid`): list them, or print one'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "config" -d 'Show the settings in force and where each comes from (hookline.toml, HOOKLINE_*, defaults); secrets redacted'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "channel" -d 'Manage relay channels'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "man" -d 'Print a man page (roff) to stdout: hookline\'s, or a subcommand\'s'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hookline -n "__fish_hookline_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookline -n "__fish_hookline_using_subcommand sign" -l scheme -d 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture\'s)' -r -f -a "auto\t'Detect the scheme from the headers present (verify and listen)'
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
complete -c hookline -n "__fish_hookline_using_subcommand sign" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand sign" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l scheme -d 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture\'s)' -r -f -a "auto\t'Detect the scheme from the headers present (verify and listen)'
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
complete -c hookline -n "__fish_hookline_using_subcommand verify" -s r -l recursive -d 'With directories: their subdirectories too'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l raw -d 'Treat BODY as a plain body even when it looks like a capture file'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -l json -d 'Print one JSON object: {"valid", "scheme", "reason", "detail", "secret_index"}'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -s p -l port -d 'Port to listen on; 0 picks a free one [default: 9000]' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l bind -d 'Address to bind: HOST or HOST:PORT (0.0.0.0 or :: to accept other machines)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l status -d 'Status for accepted events' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l max-body -d 'Largest body accepted; larger ones get 413 (e.g. 5MB, 25MiB)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l header-timeout -d 'Drop a client that has not sent a request\'s headers within this time' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l body-timeout -d 'Drop a client whose body stalls (no bytes) for this long' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l body-deadline -d 'Drop a client whose whole body has not arrived within this time (ends a trickle)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l idle-timeout -d 'Close an HTTP/2 connection with no request in flight for this long (an idle HTTP/1 one waits --header-timeout)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l max-connections -d 'Connections open at once; more are closed as they arrive (lowered to fit the open-file limit)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l max-buffered -d 'Request bodies held in memory at once, all connections together; past it, new requests get 503' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l grace -d 'On Ctrl-C / SIGTERM, wait this long for requests in flight' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l scheme -d 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture\'s)' -r -f -a "auto\t'Detect the scheme from the headers present (verify and listen)'
generic\t'X-Signature: sha256=<hex> over the body'
github\t'X-Hub-Signature-256: sha256=<hex> over the body'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256: <base64> over the body'"
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l secret -d 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l secret-file -d 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l signature-header -d 'Header that carries the generic scheme\'s signature [default: X-Signature]' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l tolerance -d 'How far a signed timestamp may be from now, either way [default: 5m]' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l save -d 'Save every event to DIR as a capture file; a request is answered after its file is written' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l delay -d 'Wait before answering: a duration or a range, e.g. 300ms or 100ms..2s' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l fail-rate -d 'Answer this fraction of accepted events (0..1) with --fail-status' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l fail-status -d 'Status for --fail-rate failures' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l responses -d 'Statuses to answer in turn, cycled, e.g. 503,503,202 (a 2xx lets the event through)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l retry-after -d 'Add `Retry-After: SECONDS` to chaos failure answers' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l seed -d 'Seed for --delay ranges and --fail-rate, to repeat a run\'s choices' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l forward-to -d 'Pass accepted events to your app and answer with its response: `URL` (the default), `/path/prefix=URL` or `event:GLOB=URL`; repeatable, the first rule that matches wins' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l events -d 'Only events whose type matches (glob, repeatable) are forwarded, saved and shown; the rest are answered and counted as filtered' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l allow-ip -d 'Accept requests from this network only (CIDR or address; repeatable); others get 403. Relayed requests are checked by the address the relay saw' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l token -d 'Require `Authorization: Bearer TOKEN` (or `?token=TOKEN`); others get 401. Never printed or saved' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l token-file -d 'Read the token from FILE (its first line)' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l forward-timeout -d 'Give up on the app after this long and answer 504' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l tls-cert -d 'Serve HTTPS with this certificate chain (PEM)' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l tls-key -d 'The private key for --tls-cert (PEM)' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l inspect -d 'Serve the inspector, a web page of the events, on ADDR (HOST:PORT or PORT) [default: 127.0.0.1:4040, or the next free port; off with --json unless given]' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l inspect-max-events -d 'Events the inspector keeps in memory; older ones drop out of the page (not from --save)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l inspect-max-bytes -d 'Memory the inspector\'s events may take; the oldest drop out past it' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l relay -d 'Also receive the webhooks of a relay channel: URL or URL/CHANNEL (without a channel, the one saved for that relay, else a new one)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l relay-token -d 'The channel\'s subscriber token [default: the one saved by `channel create`]' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l relay-create-token -d 'The relay\'s channel-creation token, when it asks for one (`relay --create-token`)' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l relay-max-in-flight -d 'Relayed requests handled at once; more are answered 503 with Retry-After' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l cacert -d 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l proxy -d 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l expect -d 'Stop after N events; exit 0 only if every one was verified (when a secret is set) and answered 2xx' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l expect-event -d 'Fail unless an event of this type (glob, e.g. \'invoice.*\') arrives; repeatable. Without --expect, stop once each was seen' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l timeout -d 'With --expect/--expect-event: give up after this long, exit 1 saying how many arrived' -r
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l url-file -d 'Write the URL to send to into FILE (atomically) once listening, for scripts to wait on' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l json -d 'Print one capture (JSON) per line on stdout instead of human blocks'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l full -d 'Show whole bodies (human output cuts them past 40 lines)'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l fsync -d 'With --save, fsync each capture before answering (survives power loss, not only a kill)'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l https-only -d 'Refuse requests that did not come over HTTPS (403); needs --tls-cert/--tls-self-signed, or --relay'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l quiet-filtered -d 'Do not show filtered events at all (they are still counted)'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l forward-invalid -d 'Forward events whose signature is invalid too'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l tls-self-signed -d 'Serve HTTPS with a self-signed certificate for localhost (kept in the cache dir; its path and fingerprint are printed)'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l no-inspect -d 'No inspector'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l insecure -d 'Do not check the https:// server\'s certificate (printed as a warning)'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -l no-proxy -d 'Connect directly, whatever the proxy variables say'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand send" -l to -d 'The endpoint, e.g. http://localhost:3000/webhooks' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l scheme -d 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture\'s)' -r -f -a "auto\t'Detect the scheme from the headers present (verify and listen)'
generic\t'X-Signature: sha256=<hex> over the body'
github\t'X-Hub-Signature-256: sha256=<hex> over the body'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256: <base64> over the body'"
complete -c hookline -n "__fish_hookline_using_subcommand send" -l secret -d 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l secret-file -d 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand send" -l signature-header -d 'Header that carries the generic scheme\'s signature [default: X-Signature]' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l event -d 'Event name for the scheme\'s event header [default: the envelope\'s, else the file name without extension]' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -s H -l header -d 'An extra request header, `Name: value`; repeatable' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l method -d 'HTTP method' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l content-type -d 'Content-Type when neither the envelope nor the extension gives one' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l retries -d 'Retries after the first attempt' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l backoff -d 'Backoff base: retry n waits a random time up to BASE × 2^n (full jitter)' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l max-backoff -d 'The longest wait between attempts (also caps Retry-After)' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l timeout -d 'Per-attempt timeout' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l retry-on -d 'Also retry these statuses (408, 425, 429 and 5xx always are), e.g. 404,409' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l concurrency -d 'Deliveries in flight at once' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l dead-letter -d 'Write each delivery that fails for good to DIR as a capture (with its attempts)' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand send" -l set -d 'Set a field of each JSON body: PATH=VALUE, PATH a dot path (data.object.amount) or a JSON pointer, VALUE JSON or text; placeholders such as {{uuid}}, {{hex}}, {{now}} allowed; repeatable' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l cacert -d 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand send" -l proxy -d 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies' -r
complete -c hookline -n "__fish_hookline_using_subcommand send" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand send" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand send" -l unsigned -d 'Send without a signature (no secret needed): to check that a receiver answers 401'
complete -c hookline -n "__fish_hookline_using_subcommand send" -s r -l recursive -d 'Read FIXTURE directories recursively'
complete -c hookline -n "__fish_hookline_using_subcommand send" -l duplicate -d 'Send each delivery twice with the same delivery id (tests idempotency)'
complete -c hookline -n "__fish_hookline_using_subcommand send" -l watch -d 'Keep running: send a fixture again whenever its file changes (Ctrl-C ends with the summary)'
complete -c hookline -n "__fish_hookline_using_subcommand send" -l json -d 'One JSON object per attempt and per result on stdout'
complete -c hookline -n "__fish_hookline_using_subcommand send" -l insecure -d 'Do not check the https:// server\'s certificate (printed as a warning)'
complete -c hookline -n "__fish_hookline_using_subcommand send" -l no-proxy -d 'Connect directly, whatever the proxy variables say'
complete -c hookline -n "__fish_hookline_using_subcommand send" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand send" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l to -d 'Where to send. With no path (or `/`), each capture\'s own path and query are kept' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l event -d 'Only captures whose event type matches this glob, e.g. \'invoice.*\'' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l since -d 'Only captures received at or after this time: RFC 3339 (2026-11-22T10:00:00Z), a date (2026-11-22, UTC) or a duration ago (1h)' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l until -d 'Only captures received before this time: RFC 3339 or a duration ago' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l limit -d 'Stop after N requests' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l rate -d 'At most N requests per second, evenly spaced' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l scheme -d 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture\'s)' -r -f -a "auto\t'Detect the scheme from the headers present (verify and listen)'
generic\t'X-Signature: sha256=<hex> over the body'
github\t'X-Hub-Signature-256: sha256=<hex> over the body'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256: <base64> over the body'"
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l secret -d 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l secret-file -d 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l signature-header -d 'Header that carries the generic scheme\'s signature [default: X-Signature]' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l tolerance -d 'How old a captured signature may be before replay warns it will be rejected as stale [default: 5m]' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l retries -d 'Retries after the first attempt' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l backoff -d 'Backoff base: retry n waits a random time up to BASE × 2^n (full jitter)' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l max-backoff -d 'The longest wait between attempts (also caps Retry-After)' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l timeout -d 'Per-attempt timeout' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l retry-on -d 'Also retry these statuses (408, 425, 429 and 5xx always are), e.g. 404,409' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l concurrency -d 'Requests in flight at once' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l dead-letter -d 'Write each request that fails for good to DIR as a capture (with its attempts)' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l cacert -d 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l proxy -d 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies' -r
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand replay" -s r -l recursive -d 'Read directories recursively'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l jsonl -d 'Read every CAPTURE file as JSON lines, whatever its name (not only .jsonl/.ndjson)'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l only-valid -d 'Only captures whose signature was valid when received'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l only-invalid -d 'Only captures whose signature was invalid when received'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l resign -d 'Drop the captured signature headers and sign afresh (fresh timestamp; the scheme is --scheme, else the capture\'s, else generic; a captured webhook-id is kept)'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l skip-invalid -d 'Skip (and count) malformed captures or lines instead of stopping'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l dry-run -d 'Print one line per request that would be sent (method, URL, header count, body size), and send nothing'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l json -d 'One JSON object per request on stdout; the summary goes to stderr'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l insecure -d 'Do not check the https:// server\'s certificate (printed as a warning)'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -l no-proxy -d 'Connect directly, whatever the proxy variables say'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand replay" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l scheme -d 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture\'s)' -r -f -a "auto\t'Detect the scheme from the headers present (verify and listen)'
generic\t'X-Signature: sha256=<hex> over the body'
github\t'X-Hub-Signature-256: sha256=<hex> over the body'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256: <base64> over the body'"
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l secret -d 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET' -r
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l secret-file -d 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l signature-header -d 'Header that carries the generic scheme\'s signature [default: X-Signature]' -r
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l fixture -d 'The body to sign and send (a file or an envelope) [default: a built-in JSON event]' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l event -d 'The event name sent in the scheme\'s event header [default: the fixture\'s, else probe.check]' -r
complete -c hookline -n "__fish_hookline_using_subcommand probe" -s H -l header -d 'A header sent with every request, `Name: value` (a bearer token…); repeatable' -r
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l only -d 'Only these cases, comma-separated (valid, tampered-body, missing-signature, malformed-signature, wrong-secret, stale-timestamp, future-timestamp, odd-json, header-case, redelivery, rotation, large-body)' -r
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l skip -d 'Leave these cases out, comma-separated' -r
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l timeout -d 'Per request: a sender gives up after this long' -r
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l junit -d 'Also write the results as JUnit XML, for CI systems to show' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l cacert -d 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l proxy -d 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies' -r
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l json -d 'One JSON object per case on stdout; the summary goes to stderr'
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l insecure -d 'Do not check the https:// server\'s certificate (printed as a warning)'
complete -c hookline -n "__fish_hookline_using_subcommand probe" -l no-proxy -d 'Connect directly, whatever the proxy variables say'
complete -c hookline -n "__fish_hookline_using_subcommand probe" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand probe" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l addr -d 'Serve the page on ADDR (HOST:PORT or PORT) [default: 127.0.0.1:4040, or the next free port]' -r
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l to -d 'Where replays go unless the page names another URL' -r
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l timeout -d 'Give up on a replay\'s answer after this long' -r
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l scheme -d 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture\'s)' -r -f -a "auto\t'Detect the scheme from the headers present (verify and listen)'
generic\t'X-Signature: sha256=<hex> over the body'
github\t'X-Hub-Signature-256: sha256=<hex> over the body'
stripe\t'Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"'
standard\t'Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>'
slack\t'X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"'
shopify\t'X-Shopify-Hmac-Sha256: <base64> over the body'"
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l secret -d 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET' -r
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l secret-file -d 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l signature-header -d 'Header that carries the generic scheme\'s signature [default: X-Signature]' -r
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l inspect-max-events -d 'Events the inspector keeps in memory; older ones drop out of the page (not from --save)' -r
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l inspect-max-bytes -d 'Memory the inspector\'s events may take; the oldest drop out past it' -r
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l cacert -d 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l proxy -d 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies' -r
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -s r -l recursive -d 'Read directories recursively'
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l insecure -d 'Do not check the https:// server\'s certificate (printed as a warning)'
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -l no-proxy -d 'Connect directly, whatever the proxy variables say'
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand relay" -s p -l port -d 'Port to listen on; 0 picks a free one [default: 8080]' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l bind -d 'Address to bind: HOST or HOST:PORT (0.0.0.0 or :: to accept other machines)' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l public-url -d 'The URL senders reach this relay at (behind a proxy, say) [default: from the bound address]' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l state -d 'Keep channels (ids and token hashes, never tokens) in FILE, so a restart keeps them' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l max-body -d 'Largest body relayed; larger ones get 413' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l wait -d 'How long a sender waits for the subscriber\'s answer before a 504' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l max-in-flight -d 'Requests in flight per channel; more get 503 with Retry-After' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l channel-ttl -d 'Forget channels unused (no event, no subscriber) for this long' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l max-channels -d 'Most channels kept; creating more gets 503' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l creates-per-hour -d 'Channels one client address (an IPv6 /64) may create per hour; more get 429' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l create-token -d 'Make `POST /channels` require `Authorization: Bearer TOKEN` (a private relay)' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l link-timeout -d 'Drop a subscriber\'s link when a write to it stays blocked this long (it stopped reading)' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l header-timeout -d 'Drop a client that has not sent a request\'s headers within this time' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l body-timeout -d 'Drop a client whose body stalls (no bytes) for this long' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l body-deadline -d 'Drop a client whose whole body has not arrived within this time (ends a trickle)' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l idle-timeout -d 'Close an HTTP/2 connection with no request in flight for this long (an idle HTTP/1 one waits --header-timeout)' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l max-connections -d 'Connections open at once; more are closed as they arrive (lowered to fit the open-file limit)' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l max-buffered -d 'Request bodies held in memory at once, all connections together; past it, new requests get 503' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l grace -d 'On Ctrl-C / SIGTERM, wait this long for requests in flight' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l tls-cert -d 'Serve HTTPS with this certificate chain (PEM)' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l tls-key -d 'The private key for --tls-cert (PEM)' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l nats -d 'Run as one of several relays sharing channels and subscribers over NATS (nats://HOST:PORT)' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l nats-prefix -d 'The subjects\' prefix and bucket name on NATS (relays sharing channels use the same one)' -r
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand relay" -l access-log -d 'Log one line per relayed request on stderr'
complete -c hookline -n "__fish_hookline_using_subcommand relay" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand relay" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and not __fish_seen_subcommand_from list show help" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and not __fish_seen_subcommand_from list show help" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'Name, scheme and event of each (the default)'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'Print one fixture\'s body as it is stored (placeholders unfilled)'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from list" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from list" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from show" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from help" -f -a "list" -d 'Name, scheme and event of each (the default)'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print one fixture\'s body as it is stored (placeholders unfilled)'
complete -c hookline -n "__fish_hookline_using_subcommand fixtures; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookline -n "__fish_hookline_using_subcommand config" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand config" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand config" -l all -d 'Built-in defaults too'
complete -c hookline -n "__fish_hookline_using_subcommand config" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand config" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and not __fish_seen_subcommand_from create list delete help" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand channel; and not __fish_seen_subcommand_from create list delete help" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand channel; and not __fish_seen_subcommand_from create list delete help" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and not __fish_seen_subcommand_from create list delete help" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and not __fish_seen_subcommand_from create list delete help" -f -a "create" -d 'Make a channel on a relay; prints its public URL and token (once) and saves them'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and not __fish_seen_subcommand_from create list delete help" -f -a "list" -d 'List the saved channels (never their tokens); `*` marks each relay\'s default'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and not __fish_seen_subcommand_from create list delete help" -f -a "delete" -d 'Delete a channel on its relay and forget it here'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and not __fish_seen_subcommand_from create list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l relay -d 'The relay, e.g. https://relay.example.com' -r
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l create-token -d 'The relay\'s channel-creation token, when it asks for one (`relay --create-token`)' -r
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l cacert -d 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l proxy -d 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies' -r
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l default -d 'Make it the channel `listen --relay URL` uses for this relay (else the first one saved stays the default)'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l insecure -d 'Do not check the https:// server\'s certificate (printed as a warning)'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -l no-proxy -d 'Connect directly, whatever the proxy variables say'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from list" -l relay -d 'Only this relay\'s' -r
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from list" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from list" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -l relay -d 'The relay, when the channel is saved for more than one' -r
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -l cacert -d 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -l proxy -d 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies' -r
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -l config -d 'Read settings from FILE instead of ./hookline.toml' -r -F
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -l color -d 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -l insecure -d 'Do not check the https:// server\'s certificate (printed as a warning)'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -l no-proxy -d 'Connect directly, whatever the proxy variables say'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "create" -d 'Make a channel on a relay; prints its public URL and token (once) and saves them'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the saved channels (never their tokens); `*` marks each relay\'s default'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a channel on its relay and forget it here'
complete -c hookline -n "__fish_hookline_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookline -n "__fish_hookline_using_subcommand man" -l config -r -F
complete -c hookline -n "__fish_hookline_using_subcommand man" -l color -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand man" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand man" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand completions" -l config -r -F
complete -c hookline -n "__fish_hookline_using_subcommand completions" -l color -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookline -n "__fish_hookline_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hookline -n "__fish_hookline_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "sign" -d 'Print the signature headers for a body, ready for `curl -H`'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "verify" -d 'Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "listen" -d 'Receive webhooks locally: verify, show, save, misbehave on purpose, forward'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "send" -d 'Send signed fixtures to an endpoint, with retries and dead letters'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "replay" -d 'Re-send captured requests byte for byte (captures, their folders, JSON lines)'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "probe" -d 'Check a webhook receiver: does it accept good deliveries and reject forged, tampered and stale ones?'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "inspect" -d 'Open the inspector\'s web page over saved captures: look, compare, replay, edit and re-sign'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "relay" -d 'Run a relay: a public endpoint that tunnels each channel\'s webhooks to `listen --relay`'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "fixtures" -d 'The fixtures built into hookline (`send @stripe/invoice.paid`): list them, or print one'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "config" -d 'Show the settings in force and where each comes from (hookline.toml, HOOKLINE_*, defaults); secrets redacted'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "channel" -d 'Manage relay channels'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "man" -d 'Print a man page (roff) to stdout: hookline\'s, or a subcommand\'s'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c hookline -n "__fish_hookline_using_subcommand help; and not __fish_seen_subcommand_from sign verify listen send replay probe inspect relay fixtures config channel man completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookline -n "__fish_hookline_using_subcommand help; and __fish_seen_subcommand_from fixtures" -f -a "list" -d 'Name, scheme and event of each (the default)'
complete -c hookline -n "__fish_hookline_using_subcommand help; and __fish_seen_subcommand_from fixtures" -f -a "show" -d 'Print one fixture\'s body as it is stored (placeholders unfilled)'
complete -c hookline -n "__fish_hookline_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "create" -d 'Make a channel on a relay; prints its public URL and token (once) and saves them'
complete -c hookline -n "__fish_hookline_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "list" -d 'List the saved channels (never their tokens); `*` marks each relay\'s default'
complete -c hookline -n "__fish_hookline_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "delete" -d 'Delete a channel on its relay and forget it here'

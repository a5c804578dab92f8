
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
            cand listen 'Receive webhooks locally: verify, show, save, misbehave on purpose, forward'
            cand send 'Send signed fixtures to an endpoint, with retries and dead letters'
            cand replay 'Re-send captured requests byte for byte (captures, their folders, JSON lines)'
            cand probe 'Check a webhook receiver: does it accept good deliveries and reject forged, tampered and stale ones?'
            cand inspect 'Open the inspector''s web page over saved captures: look, compare, replay, edit and re-sign'
            cand relay 'Run a relay: a public endpoint that tunnels each channel''s webhooks to `listen --relay`'
            cand fixtures 'The fixtures built into hookline (`send @stripe/invoice.paid`): list them, or print one'
            cand config 'Show the settings in force and where each comes from (hookline.toml, HOOKLINE_*, defaults); secrets redacted'
            cand channel 'Manage relay channels'
            cand man 'Print a man page (roff) to stdout: hookline''s, or a subcommand''s'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookline;sign'= {
            cand --scheme 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)'
            cand --secret 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET'
            cand --secret-file 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE'
            cand --signature-header 'Header that carries the generic scheme''s signature [default: X-Signature]'
            cand --timestamp 'Unix time to sign with, instead of now (timestamped schemes)'
            cand --id 'Message id to sign with, instead of a random one (standard scheme)'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --json 'Print {"headers": {"Name": "value", …}} instead of `Name: value` lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;verify'= {
            cand --scheme 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)'
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
            cand -r 'With directories: their subdirectories too'
            cand --recursive 'With directories: their subdirectories too'
            cand --raw 'Treat BODY as a plain body even when it looks like a capture file'
            cand --json 'Print one JSON object: {"valid", "scheme", "reason", "detail", "secret_index"}'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;listen'= {
            cand -p 'Port to listen on; 0 picks a free one [default: 9000]'
            cand --port 'Port to listen on; 0 picks a free one [default: 9000]'
            cand --bind 'Address to bind: HOST or HOST:PORT (0.0.0.0 or :: to accept other machines)'
            cand --status 'Status for accepted events'
            cand --max-body 'Largest body accepted; larger ones get 413 (e.g. 5MB, 25MiB)'
            cand --header-timeout 'Drop a client that has not sent a request''s headers within this time'
            cand --body-timeout 'Drop a client whose body stalls (no bytes) for this long'
            cand --body-deadline 'Drop a client whose whole body has not arrived within this time (ends a trickle)'
            cand --idle-timeout 'Close an HTTP/2 connection with no request in flight for this long (an idle HTTP/1 one waits --header-timeout)'
            cand --max-connections 'Connections open at once; more are closed as they arrive (lowered to fit the open-file limit)'
            cand --max-buffered 'Request bodies held in memory at once, all connections together; past it, new requests get 503'
            cand --grace 'On Ctrl-C / SIGTERM, wait this long for requests in flight'
            cand --scheme 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)'
            cand --secret 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET'
            cand --secret-file 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE'
            cand --signature-header 'Header that carries the generic scheme''s signature [default: X-Signature]'
            cand --tolerance 'How far a signed timestamp may be from now, either way [default: 5m]'
            cand --save 'Save every event to DIR as a capture file; a request is answered after its file is written'
            cand --delay 'Wait before answering: a duration or a range, e.g. 300ms or 100ms..2s'
            cand --fail-rate 'Answer this fraction of accepted events (0..1) with --fail-status'
            cand --fail-status 'Status for --fail-rate failures'
            cand --responses 'Statuses to answer in turn, cycled, e.g. 503,503,202 (a 2xx lets the event through)'
            cand --retry-after 'Add `Retry-After: SECONDS` to chaos failure answers'
            cand --seed 'Seed for --delay ranges and --fail-rate, to repeat a run''s choices'
            cand --forward-to 'Pass accepted events to your app and answer with its response: `URL` (the default), `/path/prefix=URL` or `event:GLOB=URL`; repeatable, the first rule that matches wins'
            cand --events 'Only events whose type matches (glob, repeatable) are forwarded, saved and shown; the rest are answered and counted as filtered'
            cand --allow-ip 'Accept requests from this network only (CIDR or address; repeatable); others get 403. Relayed requests are checked by the address the relay saw'
            cand --token 'Require `Authorization: Bearer TOKEN` (or `?token=TOKEN`); others get 401. Never printed or saved'
            cand --token-file 'Read the token from FILE (its first line)'
            cand --forward-timeout 'Give up on the app after this long and answer 504'
            cand --tls-cert 'Serve HTTPS with this certificate chain (PEM)'
            cand --tls-key 'The private key for --tls-cert (PEM)'
            cand --inspect 'Serve the inspector, a web page of the events, on ADDR (HOST:PORT or PORT) [default: 127.0.0.1:4040, or the next free port; off with --json unless given]'
            cand --inspect-max-events 'Events the inspector keeps in memory; older ones drop out of the page (not from --save)'
            cand --inspect-max-bytes 'Memory the inspector''s events may take; the oldest drop out past it'
            cand --relay 'Also receive the webhooks of a relay channel: URL or URL/CHANNEL (without a channel, the one saved for that relay, else a new one)'
            cand --relay-token 'The channel''s subscriber token [default: the one saved by `channel create`]'
            cand --relay-create-token 'The relay''s channel-creation token, when it asks for one (`relay --create-token`)'
            cand --relay-max-in-flight 'Relayed requests handled at once; more are answered 503 with Retry-After'
            cand --cacert 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots'
            cand --proxy 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies'
            cand --expect 'Stop after N events; exit 0 only if every one was verified (when a secret is set) and answered 2xx'
            cand --expect-event 'Fail unless an event of this type (glob, e.g. ''invoice.*'') arrives; repeatable. Without --expect, stop once each was seen'
            cand --timeout 'With --expect/--expect-event: give up after this long, exit 1 saying how many arrived'
            cand --url-file 'Write the URL to send to into FILE (atomically) once listening, for scripts to wait on'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --json 'Print one capture (JSON) per line on stdout instead of human blocks'
            cand --full 'Show whole bodies (human output cuts them past 40 lines)'
            cand --fsync 'With --save, fsync each capture before answering (survives power loss, not only a kill)'
            cand --https-only 'Refuse requests that did not come over HTTPS (403); needs --tls-cert/--tls-self-signed, or --relay'
            cand --quiet-filtered 'Do not show filtered events at all (they are still counted)'
            cand --forward-invalid 'Forward events whose signature is invalid too'
            cand --tls-self-signed 'Serve HTTPS with a self-signed certificate for localhost (kept in the cache dir; its path and fingerprint are printed)'
            cand --no-inspect 'No inspector'
            cand --insecure 'Do not check the https:// server''s certificate (printed as a warning)'
            cand --no-proxy 'Connect directly, whatever the proxy variables say'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;send'= {
            cand --to 'The endpoint, e.g. http://localhost:3000/webhooks'
            cand --scheme 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)'
            cand --secret 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET'
            cand --secret-file 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE'
            cand --signature-header 'Header that carries the generic scheme''s signature [default: X-Signature]'
            cand --event 'Event name for the scheme''s event header [default: the envelope''s, else the file name without extension]'
            cand -H 'An extra request header, `Name: value`; repeatable'
            cand --header 'An extra request header, `Name: value`; repeatable'
            cand --method 'HTTP method'
            cand --content-type 'Content-Type when neither the envelope nor the extension gives one'
            cand --retries 'Retries after the first attempt'
            cand --backoff 'Backoff base: retry n waits a random time up to BASE × 2^n (full jitter)'
            cand --max-backoff 'The longest wait between attempts (also caps Retry-After)'
            cand --timeout 'Per-attempt timeout'
            cand --retry-on 'Also retry these statuses (408, 425, 429 and 5xx always are), e.g. 404,409'
            cand --concurrency 'Deliveries in flight at once'
            cand --dead-letter 'Write each delivery that fails for good to DIR as a capture (with its attempts)'
            cand --set 'Set a field of each JSON body: PATH=VALUE, PATH a dot path (data.object.amount) or a JSON pointer, VALUE JSON or text; placeholders such as {{uuid}}, {{hex}}, {{now}} allowed; repeatable'
            cand --cacert 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots'
            cand --proxy 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --unsigned 'Send without a signature (no secret needed): to check that a receiver answers 401'
            cand -r 'Read FIXTURE directories recursively'
            cand --recursive 'Read FIXTURE directories recursively'
            cand --duplicate 'Send each delivery twice with the same delivery id (tests idempotency)'
            cand --watch 'Keep running: send a fixture again whenever its file changes (Ctrl-C ends with the summary)'
            cand --json 'One JSON object per attempt and per result on stdout'
            cand --insecure 'Do not check the https:// server''s certificate (printed as a warning)'
            cand --no-proxy 'Connect directly, whatever the proxy variables say'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;replay'= {
            cand --to 'Where to send. With no path (or `/`), each capture''s own path and query are kept'
            cand --event 'Only captures whose event type matches this glob, e.g. ''invoice.*'''
            cand --since 'Only captures received at or after this time: RFC 3339 (2026-11-22T10:00:00Z), a date (2026-11-22, UTC) or a duration ago (1h)'
            cand --until 'Only captures received before this time: RFC 3339 or a duration ago'
            cand --limit 'Stop after N requests'
            cand --rate 'At most N requests per second, evenly spaced'
            cand --scheme 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)'
            cand --secret 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET'
            cand --secret-file 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE'
            cand --signature-header 'Header that carries the generic scheme''s signature [default: X-Signature]'
            cand --tolerance 'How old a captured signature may be before replay warns it will be rejected as stale [default: 5m]'
            cand --retries 'Retries after the first attempt'
            cand --backoff 'Backoff base: retry n waits a random time up to BASE × 2^n (full jitter)'
            cand --max-backoff 'The longest wait between attempts (also caps Retry-After)'
            cand --timeout 'Per-attempt timeout'
            cand --retry-on 'Also retry these statuses (408, 425, 429 and 5xx always are), e.g. 404,409'
            cand --concurrency 'Requests in flight at once'
            cand --dead-letter 'Write each request that fails for good to DIR as a capture (with its attempts)'
            cand --cacert 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots'
            cand --proxy 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -r 'Read directories recursively'
            cand --recursive 'Read directories recursively'
            cand --jsonl 'Read every CAPTURE file as JSON lines, whatever its name (not only .jsonl/.ndjson)'
            cand --only-valid 'Only captures whose signature was valid when received'
            cand --only-invalid 'Only captures whose signature was invalid when received'
            cand --resign 'Drop the captured signature headers and sign afresh (fresh timestamp; the scheme is --scheme, else the capture''s, else generic; a captured webhook-id is kept)'
            cand --skip-invalid 'Skip (and count) malformed captures or lines instead of stopping'
            cand --dry-run 'Print one line per request that would be sent (method, URL, header count, body size), and send nothing'
            cand --json 'One JSON object per request on stdout; the summary goes to stderr'
            cand --insecure 'Do not check the https:// server''s certificate (printed as a warning)'
            cand --no-proxy 'Connect directly, whatever the proxy variables say'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;probe'= {
            cand --scheme 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)'
            cand --secret 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET'
            cand --secret-file 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE'
            cand --signature-header 'Header that carries the generic scheme''s signature [default: X-Signature]'
            cand --fixture 'The body to sign and send (a file or an envelope) [default: a built-in JSON event]'
            cand --event 'The event name sent in the scheme''s event header [default: the fixture''s, else probe.check]'
            cand -H 'A header sent with every request, `Name: value` (a bearer token…); repeatable'
            cand --header 'A header sent with every request, `Name: value` (a bearer token…); repeatable'
            cand --only 'Only these cases, comma-separated (valid, tampered-body, missing-signature, malformed-signature, wrong-secret, stale-timestamp, future-timestamp, odd-json, header-case, redelivery, rotation, large-body)'
            cand --skip 'Leave these cases out, comma-separated'
            cand --timeout 'Per request: a sender gives up after this long'
            cand --junit 'Also write the results as JUnit XML, for CI systems to show'
            cand --cacert 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots'
            cand --proxy 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --json 'One JSON object per case on stdout; the summary goes to stderr'
            cand --insecure 'Do not check the https:// server''s certificate (printed as a warning)'
            cand --no-proxy 'Connect directly, whatever the proxy variables say'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;inspect'= {
            cand --addr 'Serve the page on ADDR (HOST:PORT or PORT) [default: 127.0.0.1:4040, or the next free port]'
            cand --to 'Where replays go unless the page names another URL'
            cand --timeout 'Give up on a replay''s answer after this long'
            cand --scheme 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)'
            cand --secret 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET'
            cand --secret-file 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE'
            cand --signature-header 'Header that carries the generic scheme''s signature [default: X-Signature]'
            cand --inspect-max-events 'Events the inspector keeps in memory; older ones drop out of the page (not from --save)'
            cand --inspect-max-bytes 'Memory the inspector''s events may take; the oldest drop out past it'
            cand --cacert 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots'
            cand --proxy 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -r 'Read directories recursively'
            cand --recursive 'Read directories recursively'
            cand --insecure 'Do not check the https:// server''s certificate (printed as a warning)'
            cand --no-proxy 'Connect directly, whatever the proxy variables say'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;relay'= {
            cand -p 'Port to listen on; 0 picks a free one [default: 8080]'
            cand --port 'Port to listen on; 0 picks a free one [default: 8080]'
            cand --bind 'Address to bind: HOST or HOST:PORT (0.0.0.0 or :: to accept other machines)'
            cand --public-url 'The URL senders reach this relay at (behind a proxy, say) [default: from the bound address]'
            cand --state 'Keep channels (ids and token hashes, never tokens) in FILE, so a restart keeps them'
            cand --max-body 'Largest body relayed; larger ones get 413'
            cand --wait 'How long a sender waits for the subscriber''s answer before a 504'
            cand --max-in-flight 'Requests in flight per channel; more get 503 with Retry-After'
            cand --channel-ttl 'Forget channels unused (no event, no subscriber) for this long'
            cand --max-channels 'Most channels kept; creating more gets 503'
            cand --creates-per-hour 'Channels one client address (an IPv6 /64) may create per hour; more get 429'
            cand --create-token 'Make `POST /channels` require `Authorization: Bearer TOKEN` (a private relay)'
            cand --link-timeout 'Drop a subscriber''s link when a write to it stays blocked this long (it stopped reading)'
            cand --header-timeout 'Drop a client that has not sent a request''s headers within this time'
            cand --body-timeout 'Drop a client whose body stalls (no bytes) for this long'
            cand --body-deadline 'Drop a client whose whole body has not arrived within this time (ends a trickle)'
            cand --idle-timeout 'Close an HTTP/2 connection with no request in flight for this long (an idle HTTP/1 one waits --header-timeout)'
            cand --max-connections 'Connections open at once; more are closed as they arrive (lowered to fit the open-file limit)'
            cand --max-buffered 'Request bodies held in memory at once, all connections together; past it, new requests get 503'
            cand --grace 'On Ctrl-C / SIGTERM, wait this long for requests in flight'
            cand --tls-cert 'Serve HTTPS with this certificate chain (PEM)'
            cand --tls-key 'The private key for --tls-cert (PEM)'
            cand --nats 'Run as one of several relays sharing channels and subscribers over NATS (nats://HOST:PORT)'
            cand --nats-prefix 'The subjects'' prefix and bucket name on NATS (relays sharing channels use the same one)'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --access-log 'Log one line per relayed request on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;fixtures'= {
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Name, scheme and event of each (the default)'
            cand show 'Print one fixture''s body as it is stored (placeholders unfilled)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookline;fixtures;list'= {
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;fixtures;show'= {
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;fixtures;help'= {
            cand list 'Name, scheme and event of each (the default)'
            cand show 'Print one fixture''s body as it is stored (placeholders unfilled)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookline;fixtures;help;list'= {
        }
        &'hookline;fixtures;help;show'= {
        }
        &'hookline;fixtures;help;help'= {
        }
        &'hookline;config'= {
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --all 'Built-in defaults too'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;channel'= {
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Make a channel on a relay; prints its public URL and token (once) and saves them'
            cand list 'List the saved channels (never their tokens); `*` marks each relay''s default'
            cand delete 'Delete a channel on its relay and forget it here'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookline;channel;create'= {
            cand --relay 'The relay, e.g. https://relay.example.com'
            cand --create-token 'The relay''s channel-creation token, when it asks for one (`relay --create-token`)'
            cand --cacert 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots'
            cand --proxy 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --default 'Make it the channel `listen --relay URL` uses for this relay (else the first one saved stays the default)'
            cand --insecure 'Do not check the https:// server''s certificate (printed as a warning)'
            cand --no-proxy 'Connect directly, whatever the proxy variables say'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;channel;list'= {
            cand --relay 'Only this relay''s'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;channel;delete'= {
            cand --relay 'The relay, when the channel is saved for more than one'
            cand --cacert 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots'
            cand --proxy 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies'
            cand --config 'Read settings from FILE instead of ./hookline.toml'
            cand --color 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --insecure 'Do not check the https:// server''s certificate (printed as a warning)'
            cand --no-proxy 'Connect directly, whatever the proxy variables say'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;channel;help'= {
            cand create 'Make a channel on a relay; prints its public URL and token (once) and saves them'
            cand list 'List the saved channels (never their tokens); `*` marks each relay''s default'
            cand delete 'Delete a channel on its relay and forget it here'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookline;channel;help;create'= {
        }
        &'hookline;channel;help;list'= {
        }
        &'hookline;channel;help;delete'= {
        }
        &'hookline;channel;help;help'= {
        }
        &'hookline;man'= {
            cand --config 'config'
            cand --color 'color'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;completions'= {
            cand --config 'config'
            cand --color 'color'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookline;help'= {
            cand sign 'Print the signature headers for a body, ready for `curl -H`'
            cand verify 'Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error'
            cand listen 'Receive webhooks locally: verify, show, save, misbehave on purpose, forward'
            cand send 'Send signed fixtures to an endpoint, with retries and dead letters'
            cand replay 'Re-send captured requests byte for byte (captures, their folders, JSON lines)'
            cand probe 'Check a webhook receiver: does it accept good deliveries and reject forged, tampered and stale ones?'
            cand inspect 'Open the inspector''s web page over saved captures: look, compare, replay, edit and re-sign'
            cand relay 'Run a relay: a public endpoint that tunnels each channel''s webhooks to `listen --relay`'
            cand fixtures 'The fixtures built into hookline (`send @stripe/invoice.paid`): list them, or print one'
            cand config 'Show the settings in force and where each comes from (hookline.toml, HOOKLINE_*, defaults); secrets redacted'
            cand channel 'Manage relay channels'
            cand man 'Print a man page (roff) to stdout: hookline''s, or a subcommand''s'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookline;help;sign'= {
        }
        &'hookline;help;verify'= {
        }
        &'hookline;help;listen'= {
        }
        &'hookline;help;send'= {
        }
        &'hookline;help;replay'= {
        }
        &'hookline;help;probe'= {
        }
        &'hookline;help;inspect'= {
        }
        &'hookline;help;relay'= {
        }
        &'hookline;help;fixtures'= {
            cand list 'Name, scheme and event of each (the default)'
            cand show 'Print one fixture''s body as it is stored (placeholders unfilled)'
        }
        &'hookline;help;fixtures;list'= {
        }
        &'hookline;help;fixtures;show'= {
        }
        &'hookline;help;config'= {
        }
        &'hookline;help;channel'= {
            cand create 'Make a channel on a relay; prints its public URL and token (once) and saves them'
            cand list 'List the saved channels (never their tokens); `*` marks each relay''s default'
            cand delete 'Delete a channel on its relay and forget it here'
        }
        &'hookline;help;channel;create'= {
        }
        &'hookline;help;channel;list'= {
        }
        &'hookline;help;channel;delete'= {
        }
        &'hookline;help;man'= {
        }
        &'hookline;help;completions'= {
        }
        &'hookline;help;help'= {
        }
    ]
    $completions[$command]
}


using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hookline' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hookline'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hookline' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers for a body, ready for `curl -H`')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks locally: verify, show, save, misbehave on purpose, forward')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send signed fixtures to an endpoint, with retries and dead letters')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-send captured requests byte for byte (captures, their folders, JSON lines)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Check a webhook receiver: does it accept good deliveries and reject forged, tampered and stale ones?')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Open the inspector''s web page over saved captures: look, compare, replay, edit and re-sign')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Run a relay: a public endpoint that tunnels each channel''s webhooks to `listen --relay`')
            [CompletionResult]::new('fixtures', 'fixtures', [CompletionResultType]::ParameterValue, 'The fixtures built into hookline (`send @stripe/invoice.paid`): list them, or print one')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in force and where each comes from (hookline.toml, HOOKLINE_*, defaults); secrets redacted')
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'Manage relay channels')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) to stdout: hookline''s, or a subcommand''s')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookline;sign' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the generic scheme''s signature [default: X-Signature]')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Unix time to sign with, instead of now (timestamped schemes)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Message id to sign with, instead of a random one (standard scheme)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"headers": {"Name": "value", …}} instead of `Name: value` lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;verify' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the generic scheme''s signature [default: X-Signature]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A request header, `Name: value`; repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header, `Name: value`; repeatable')
            [CompletionResult]::new('--signature', '--signature', [CompletionResultType]::ParameterName, 'The value of the scheme''s signature header (instead of -H)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'The timestamp header''s value, with --signature (slack, standard)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The webhook-id header''s value, with --signature (standard)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How far a signed timestamp may be from now, either way [default: 5m]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'With directories: their subdirectories too')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'With directories: their subdirectories too')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Treat BODY as a plain body even when it looks like a capture file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object: {"valid", "scheme", "reason", "detail", "secret_index"}')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;listen' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one [default: 9000]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one [default: 9000]')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind: HOST or HOST:PORT (0.0.0.0 or :: to accept other machines)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status for accepted events')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted; larger ones get 413 (e.g. 5MB, 25MiB)')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Drop a client that has not sent a request''s headers within this time')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Drop a client whose body stalls (no bytes) for this long')
            [CompletionResult]::new('--body-deadline', '--body-deadline', [CompletionResultType]::ParameterName, 'Drop a client whose whole body has not arrived within this time (ends a trickle)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close an HTTP/2 connection with no request in flight for this long (an idle HTTP/1 one waits --header-timeout)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once; more are closed as they arrive (lowered to fit the open-file limit)')
            [CompletionResult]::new('--max-buffered', '--max-buffered', [CompletionResultType]::ParameterName, 'Request bodies held in memory at once, all connections together; past it, new requests get 503')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'On Ctrl-C / SIGTERM, wait this long for requests in flight')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the generic scheme''s signature [default: X-Signature]')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How far a signed timestamp may be from now, either way [default: 5m]')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Save every event to DIR as a capture file; a request is answered after its file is written')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait before answering: a duration or a range, e.g. 300ms or 100ms..2s')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Answer this fraction of accepted events (0..1) with --fail-status')
            [CompletionResult]::new('--fail-status', '--fail-status', [CompletionResultType]::ParameterName, 'Status for --fail-rate failures')
            [CompletionResult]::new('--responses', '--responses', [CompletionResultType]::ParameterName, 'Statuses to answer in turn, cycled, e.g. 503,503,202 (a 2xx lets the event through)')
            [CompletionResult]::new('--retry-after', '--retry-after', [CompletionResultType]::ParameterName, 'Add `Retry-After: SECONDS` to chaos failure answers')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for --delay ranges and --fail-rate, to repeat a run''s choices')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Pass accepted events to your app and answer with its response: `URL` (the default), `/path/prefix=URL` or `event:GLOB=URL`; repeatable, the first rule that matches wins')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Only events whose type matches (glob, repeatable) are forwarded, saved and shown; the rest are answered and counted as filtered')
            [CompletionResult]::new('--allow-ip', '--allow-ip', [CompletionResultType]::ParameterName, 'Accept requests from this network only (CIDR or address; repeatable); others get 403. Relayed requests are checked by the address the relay saw')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Require `Authorization: Bearer TOKEN` (or `?token=TOKEN`); others get 401. Never printed or saved')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Read the token from FILE (its first line)')
            [CompletionResult]::new('--forward-timeout', '--forward-timeout', [CompletionResultType]::ParameterName, 'Give up on the app after this long and answer 504')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve HTTPS with this certificate chain (PEM)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key for --tls-cert (PEM)')
            [CompletionResult]::new('--inspect', '--inspect', [CompletionResultType]::ParameterName, 'Serve the inspector, a web page of the events, on ADDR (HOST:PORT or PORT) [default: 127.0.0.1:4040, or the next free port; off with --json unless given]')
            [CompletionResult]::new('--inspect-max-events', '--inspect-max-events', [CompletionResultType]::ParameterName, 'Events the inspector keeps in memory; older ones drop out of the page (not from --save)')
            [CompletionResult]::new('--inspect-max-bytes', '--inspect-max-bytes', [CompletionResultType]::ParameterName, 'Memory the inspector''s events may take; the oldest drop out past it')
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Also receive the webhooks of a relay channel: URL or URL/CHANNEL (without a channel, the one saved for that relay, else a new one)')
            [CompletionResult]::new('--relay-token', '--relay-token', [CompletionResultType]::ParameterName, 'The channel''s subscriber token [default: the one saved by `channel create`]')
            [CompletionResult]::new('--relay-create-token', '--relay-create-token', [CompletionResultType]::ParameterName, 'The relay''s channel-creation token, when it asks for one (`relay --create-token`)')
            [CompletionResult]::new('--relay-max-in-flight', '--relay-max-in-flight', [CompletionResultType]::ParameterName, 'Relayed requests handled at once; more are answered 503 with Retry-After')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Stop after N events; exit 0 only if every one was verified (when a secret is set) and answered 2xx')
            [CompletionResult]::new('--expect-event', '--expect-event', [CompletionResultType]::ParameterName, 'Fail unless an event of this type (glob, e.g. ''invoice.*'') arrives; repeatable. Without --expect, stop once each was seen')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --expect/--expect-event: give up after this long, exit 1 saying how many arrived')
            [CompletionResult]::new('--url-file', '--url-file', [CompletionResultType]::ParameterName, 'Write the URL to send to into FILE (atomically) once listening, for scripts to wait on')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one capture (JSON) per line on stdout instead of human blocks')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Show whole bodies (human output cuts them past 40 lines)')
            [CompletionResult]::new('--fsync', '--fsync', [CompletionResultType]::ParameterName, 'With --save, fsync each capture before answering (survives power loss, not only a kill)')
            [CompletionResult]::new('--https-only', '--https-only', [CompletionResultType]::ParameterName, 'Refuse requests that did not come over HTTPS (403); needs --tls-cert/--tls-self-signed, or --relay')
            [CompletionResult]::new('--quiet-filtered', '--quiet-filtered', [CompletionResultType]::ParameterName, 'Do not show filtered events at all (they are still counted)')
            [CompletionResult]::new('--forward-invalid', '--forward-invalid', [CompletionResultType]::ParameterName, 'Forward events whose signature is invalid too')
            [CompletionResult]::new('--tls-self-signed', '--tls-self-signed', [CompletionResultType]::ParameterName, 'Serve HTTPS with a self-signed certificate for localhost (kept in the cache dir; its path and fingerprint are printed)')
            [CompletionResult]::new('--no-inspect', '--no-inspect', [CompletionResultType]::ParameterName, 'No inspector')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https:// server''s certificate (printed as a warning)')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly, whatever the proxy variables say')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The endpoint, e.g. http://localhost:3000/webhooks')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the generic scheme''s signature [default: X-Signature]')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Event name for the scheme''s event header [default: the envelope''s, else the file name without extension]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'An extra request header, `Name: value`; repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header, `Name: value`; repeatable')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Content-Type when neither the envelope nor the extension gives one')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt')
            [CompletionResult]::new('--backoff', '--backoff', [CompletionResultType]::ParameterName, 'Backoff base: retry n waits a random time up to BASE × 2^n (full jitter)')
            [CompletionResult]::new('--max-backoff', '--max-backoff', [CompletionResultType]::ParameterName, 'The longest wait between attempts (also caps Retry-After)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-attempt timeout')
            [CompletionResult]::new('--retry-on', '--retry-on', [CompletionResultType]::ParameterName, 'Also retry these statuses (408, 425, 429 and 5xx always are), e.g. 404,409')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Deliveries in flight at once')
            [CompletionResult]::new('--dead-letter', '--dead-letter', [CompletionResultType]::ParameterName, 'Write each delivery that fails for good to DIR as a capture (with its attempts)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set a field of each JSON body: PATH=VALUE, PATH a dot path (data.object.amount) or a JSON pointer, VALUE JSON or text; placeholders such as {{uuid}}, {{hex}}, {{now}} allowed; repeatable')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--unsigned', '--unsigned', [CompletionResultType]::ParameterName, 'Send without a signature (no secret needed): to check that a receiver answers 401')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Read FIXTURE directories recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Read FIXTURE directories recursively')
            [CompletionResult]::new('--duplicate', '--duplicate', [CompletionResultType]::ParameterName, 'Send each delivery twice with the same delivery id (tests idempotency)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep running: send a fixture again whenever its file changes (Ctrl-C ends with the summary)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per attempt and per result on stdout')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https:// server''s certificate (printed as a warning)')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly, whatever the proxy variables say')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;replay' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to send. With no path (or `/`), each capture''s own path and query are kept')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only captures whose event type matches this glob, e.g. ''invoice.*''')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only captures received at or after this time: RFC 3339 (2026-11-22T10:00:00Z), a date (2026-11-22, UTC) or a duration ago (1h)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only captures received before this time: RFC 3339 or a duration ago')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N requests')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests per second, evenly spaced')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the generic scheme''s signature [default: X-Signature]')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How old a captured signature may be before replay warns it will be rejected as stale [default: 5m]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt')
            [CompletionResult]::new('--backoff', '--backoff', [CompletionResultType]::ParameterName, 'Backoff base: retry n waits a random time up to BASE × 2^n (full jitter)')
            [CompletionResult]::new('--max-backoff', '--max-backoff', [CompletionResultType]::ParameterName, 'The longest wait between attempts (also caps Retry-After)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-attempt timeout')
            [CompletionResult]::new('--retry-on', '--retry-on', [CompletionResultType]::ParameterName, 'Also retry these statuses (408, 425, 429 and 5xx always are), e.g. 404,409')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--dead-letter', '--dead-letter', [CompletionResultType]::ParameterName, 'Write each request that fails for good to DIR as a capture (with its attempts)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Read directories recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Read directories recursively')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Read every CAPTURE file as JSON lines, whatever its name (not only .jsonl/.ndjson)')
            [CompletionResult]::new('--only-valid', '--only-valid', [CompletionResultType]::ParameterName, 'Only captures whose signature was valid when received')
            [CompletionResult]::new('--only-invalid', '--only-invalid', [CompletionResultType]::ParameterName, 'Only captures whose signature was invalid when received')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'Drop the captured signature headers and sign afresh (fresh timestamp; the scheme is --scheme, else the capture''s, else generic; a captured webhook-id is kept)')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Skip (and count) malformed captures or lines instead of stopping')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print one line per request that would be sent (method, URL, header count, body size), and send nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per request on stdout; the summary goes to stderr')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https:// server''s certificate (printed as a warning)')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly, whatever the proxy variables say')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;probe' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the generic scheme''s signature [default: X-Signature]')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'The body to sign and send (a file or an envelope) [default: a built-in JSON event]')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'The event name sent in the scheme''s event header [default: the fixture''s, else probe.check]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A header sent with every request, `Name: value` (a bearer token…); repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header sent with every request, `Name: value` (a bearer token…); repeatable')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Only these cases, comma-separated (valid, tampered-body, missing-signature, malformed-signature, wrong-secret, stale-timestamp, future-timestamp, odd-json, header-case, redelivery, rotation, large-body)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Leave these cases out, comma-separated')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per request: a sender gives up after this long')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Also write the results as JUnit XML, for CI systems to show')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per case on stdout; the summary goes to stderr')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https:// server''s certificate (printed as a warning)')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly, whatever the proxy variables say')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;inspect' {
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Serve the page on ADDR (HOST:PORT or PORT) [default: 127.0.0.1:4040, or the next free port]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where replays go unless the page names another URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a replay''s answer after this long')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme: generic, github, stripe, standard, slack or shopify; verify and listen also take auto (detect it per request: their default); sign, send and replay default to generic (replay: the capture''s)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret to sign or verify with; repeat for rotation (any one may match; the first signs). Environment: HOOKLINE_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header that carries the generic scheme''s signature [default: X-Signature]')
            [CompletionResult]::new('--inspect-max-events', '--inspect-max-events', [CompletionResultType]::ParameterName, 'Events the inspector keeps in memory; older ones drop out of the page (not from --save)')
            [CompletionResult]::new('--inspect-max-bytes', '--inspect-max-bytes', [CompletionResultType]::ParameterName, 'Memory the inspector''s events may take; the oldest drop out past it')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Read directories recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Read directories recursively')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https:// server''s certificate (printed as a warning)')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly, whatever the proxy variables say')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;relay' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one [default: 8080]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one [default: 8080]')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind: HOST or HOST:PORT (0.0.0.0 or :: to accept other machines)')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The URL senders reach this relay at (behind a proxy, say) [default: from the bound address]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Keep channels (ids and token hashes, never tokens) in FILE, so a restart keeps them')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body relayed; larger ones get 413')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long a sender waits for the subscriber''s answer before a 504')
            [CompletionResult]::new('--max-in-flight', '--max-in-flight', [CompletionResultType]::ParameterName, 'Requests in flight per channel; more get 503 with Retry-After')
            [CompletionResult]::new('--channel-ttl', '--channel-ttl', [CompletionResultType]::ParameterName, 'Forget channels unused (no event, no subscriber) for this long')
            [CompletionResult]::new('--max-channels', '--max-channels', [CompletionResultType]::ParameterName, 'Most channels kept; creating more gets 503')
            [CompletionResult]::new('--creates-per-hour', '--creates-per-hour', [CompletionResultType]::ParameterName, 'Channels one client address (an IPv6 /64) may create per hour; more get 429')
            [CompletionResult]::new('--create-token', '--create-token', [CompletionResultType]::ParameterName, 'Make `POST /channels` require `Authorization: Bearer TOKEN` (a private relay)')
            [CompletionResult]::new('--link-timeout', '--link-timeout', [CompletionResultType]::ParameterName, 'Drop a subscriber''s link when a write to it stays blocked this long (it stopped reading)')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Drop a client that has not sent a request''s headers within this time')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Drop a client whose body stalls (no bytes) for this long')
            [CompletionResult]::new('--body-deadline', '--body-deadline', [CompletionResultType]::ParameterName, 'Drop a client whose whole body has not arrived within this time (ends a trickle)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close an HTTP/2 connection with no request in flight for this long (an idle HTTP/1 one waits --header-timeout)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once; more are closed as they arrive (lowered to fit the open-file limit)')
            [CompletionResult]::new('--max-buffered', '--max-buffered', [CompletionResultType]::ParameterName, 'Request bodies held in memory at once, all connections together; past it, new requests get 503')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'On Ctrl-C / SIGTERM, wait this long for requests in flight')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve HTTPS with this certificate chain (PEM)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key for --tls-cert (PEM)')
            [CompletionResult]::new('--nats', '--nats', [CompletionResultType]::ParameterName, 'Run as one of several relays sharing channels and subscribers over NATS (nats://HOST:PORT)')
            [CompletionResult]::new('--nats-prefix', '--nats-prefix', [CompletionResultType]::ParameterName, 'The subjects'' prefix and bucket name on NATS (relays sharing channels use the same one)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--access-log', '--access-log', [CompletionResultType]::ParameterName, 'Log one line per relayed request on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;fixtures' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Name, scheme and event of each (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one fixture''s body as it is stored (placeholders unfilled)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookline;fixtures;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;fixtures;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;fixtures;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Name, scheme and event of each (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one fixture''s body as it is stored (placeholders unfilled)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookline;fixtures;help;list' {
            break
        }
        'hookline;fixtures;help;show' {
            break
        }
        'hookline;fixtures;help;help' {
            break
        }
        'hookline;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Built-in defaults too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;channel' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a channel on a relay; prints its public URL and token (once) and saves them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the saved channels (never their tokens); `*` marks each relay''s default')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a channel on its relay and forget it here')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookline;channel;create' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'The relay, e.g. https://relay.example.com')
            [CompletionResult]::new('--create-token', '--create-token', [CompletionResultType]::ParameterName, 'The relay''s channel-creation token, when it asks for one (`relay --create-token`)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--default', '--default', [CompletionResultType]::ParameterName, 'Make it the channel `listen --relay URL` uses for this relay (else the first one saved stays the default)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https:// server''s certificate (printed as a warning)')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly, whatever the proxy variables say')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;channel;list' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Only this relay''s')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;channel;delete' {
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'The relay, when the channel is saved for more than one')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of ./hookline.toml')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not check the https:// server''s certificate (printed as a warning)')
            [CompletionResult]::new('--no-proxy', '--no-proxy', [CompletionResultType]::ParameterName, 'Connect directly, whatever the proxy variables say')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;channel;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a channel on a relay; prints its public URL and token (once) and saves them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the saved channels (never their tokens); `*` marks each relay''s default')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a channel on its relay and forget it here')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookline;channel;help;create' {
            break
        }
        'hookline;channel;help;list' {
            break
        }
        'hookline;channel;help;delete' {
            break
        }
        'hookline;channel;help;help' {
            break
        }
        'hookline;man' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'config')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'config')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'color')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookline;help' {
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers for a body, ready for `curl -H`')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks locally: verify, show, save, misbehave on purpose, forward')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send signed fixtures to an endpoint, with retries and dead letters')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-send captured requests byte for byte (captures, their folders, JSON lines)')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Check a webhook receiver: does it accept good deliveries and reject forged, tampered and stale ones?')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Open the inspector''s web page over saved captures: look, compare, replay, edit and re-sign')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Run a relay: a public endpoint that tunnels each channel''s webhooks to `listen --relay`')
            [CompletionResult]::new('fixtures', 'fixtures', [CompletionResultType]::ParameterValue, 'The fixtures built into hookline (`send @stripe/invoice.paid`): list them, or print one')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in force and where each comes from (hookline.toml, HOOKLINE_*, defaults); secrets redacted')
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'Manage relay channels')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) to stdout: hookline''s, or a subcommand''s')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookline;help;sign' {
            break
        }
        'hookline;help;verify' {
            break
        }
        'hookline;help;listen' {
            break
        }
        'hookline;help;send' {
            break
        }
        'hookline;help;replay' {
            break
        }
        'hookline;help;probe' {
            break
        }
        'hookline;help;inspect' {
            break
        }
        'hookline;help;relay' {
            break
        }
        'hookline;help;fixtures' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Name, scheme and event of each (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one fixture''s body as it is stored (placeholders unfilled)')
            break
        }
        'hookline;help;fixtures;list' {
            break
        }
        'hookline;help;fixtures;show' {
            break
        }
        'hookline;help;config' {
            break
        }
        'hookline;help;channel' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a channel on a relay; prints its public URL and token (once) and saves them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the saved channels (never their tokens); `*` marks each relay''s default')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a channel on its relay and forget it here')
            break
        }
        'hookline;help;channel;create' {
            break
        }
        'hookline;help;channel;list' {
            break
        }
        'hookline;help;channel;delete' {
            break
        }
        'hookline;help;man' {
            break
        }
        'hookline;help;completions' {
            break
        }
        'hookline;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

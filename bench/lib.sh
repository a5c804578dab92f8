# Shared by the bench scripts: `need COMMAND PACKAGE` installs PACKAGE with apt-get when
# COMMAND is missing (a fresh machine has only Rust and the basics).
need() {
  command -v "$1" >/dev/null && return
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" >/dev/null
}

# `free_port` prints a free loopback TCP port.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# `nginx_sink DIR` starts nginx answering 202 to everything on a free loopback port, its
# files in DIR (stopped by killing $(cat DIR/nginx.pid)), and prints the base URL.
nginx_sink() {
  nginx_start "$1" "return 202;" ""
}

# `nginx_proxy DIR UPSTREAM_URL`: nginx as a keep-alive reverse proxy to UPSTREAM_URL, the
# way one would put it in front of an app; same files and output as nginx_sink.
nginx_proxy() {
  local hostport=${2#http://}
  nginx_start "$1" "proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_pass http://up;" \
    "upstream up { server $hostport; keepalive 64; }"
}

nginx_start() {
  local dir=$1 location=$2 http_extra=$3 port
  port=$(free_port)
  mkdir -p "$dir/nginx"
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx;
  $http_extra
  server {
    listen 127.0.0.1:$port;
    location / { client_max_body_size 1m; $location }
  }
}
CONF
  nginx -c "$dir/nginx.conf"
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
  echo "http://127.0.0.1:$port"
}

# `signed_body DIR HOOKLINE SECRET`: the 1 KB JSON body listen's benchmarks send, in
# DIR/body.json, and DIR/post.lua for wrk posting it with its X-Signature; prints the
# signature header's value.
signed_body() {
  local dir=$1 hookline=$2 secret=$3 sig
  python3 - "$dir/body.json" <<'PY'
import json, sys
body = {"event": "job.completed", "data": {"job_id": "job_7f3c9a12e4b8", "records": 45902,
        "note": "x" * 880}}
open(sys.argv[1], "w").write(json.dumps(body, separators=(",", ":")))
PY
  sig=$("$hookline" sign "$dir/body.json" --secret "$secret" | sed 's/^X-Signature: //')
  cat > "$dir/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$dir/body.json", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Signature"] = "$sig"
LUA
  echo "$sig"
}

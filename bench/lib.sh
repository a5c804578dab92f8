# Shared by the bench scripts: `need COMMAND PACKAGE` installs PACKAGE with apt-get when
# COMMAND is missing (a fresh machine has only Rust and the basics).
need() {
  command -v "$1" >/dev/null && return
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" >/dev/null
}

# `nginx_sink DIR` starts nginx answering 202 to everything on a free loopback port, its
# files in DIR (stopped by killing $(cat DIR/nginx.pid)), and prints the base URL.
nginx_sink() {
  local dir=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$dir/nginx"
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx;
  server {
    listen 127.0.0.1:$port;
    location / { client_max_body_size 1m; return 202; }
  }
}
CONF
  nginx -c "$dir/nginx.conf"
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
  echo "http://127.0.0.1:$port"
}

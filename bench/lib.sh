# Shared by the bench scripts: `need COMMAND PACKAGE` installs PACKAGE with apt-get when
# COMMAND is missing (a fresh machine has only Rust and the basics).
need() {
  command -v "$1" >/dev/null && return
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" >/dev/null
}

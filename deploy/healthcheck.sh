#!/bin/bash
# The image's health check: exits 0 when GET <path> on 127.0.0.1:<port> answers 200, 1 otherwise.
#
#     contingency-healthcheck [port] [path]      (defaults: 8080 /health/ready)
#
# The aspnet base image has neither curl nor wget and the service has no command for this, so the
# request goes through bash's /dev/tcp: nothing is installed into the image for it.
set -u
port=${1:-8080}
path=${2:-/health/ready}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
# The status line: HTTP/1.1 200 OK
read -r -t 4 _ status _ <&3 || exit 1
[[ ${status%$'\r'} == 200 ]]

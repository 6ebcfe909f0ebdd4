#!/bin/bash
printf "\033[32mgreen ok\033[0m plain \033[1;31mbold red\033[0m\n"
printf "\033[2Kcleared line\n"
touch "$(dirname "$0")/colors.done"
exec sleep 100000

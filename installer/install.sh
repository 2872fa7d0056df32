#!/bin/sh
# Finds Python 3.11 and runs install.py from this bundle with the same arguments.
cd "$(dirname "$0")" || exit 2
for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        exec "$candidate" install.py "$@"
    fi
done
echo "install.sh: Python 3.11 was not found; install it (from python.org or your IT department) and run this again" >&2
exit 2

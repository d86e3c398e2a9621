#!/bin/sh
# An adapter that dies of a signal halfway.
echo "about to crash" >&2
kill -SEGV $$

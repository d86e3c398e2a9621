#!/bin/sh
# A broken adapter: never answers. Its child must die with it (process group kill).
sleep 300 &
sleep 300

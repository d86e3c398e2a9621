#!/bin/sh
echo "never runs: this file is not executable"

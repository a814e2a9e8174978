#!/bin/sh
# Runs one bats file with TAP output for automake's tap-driver.
exec bats --tap "$1"

package main

import (
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"sshtc/contract"
)

// hostKeyCheck is strict checking against the known_hosts file at `path`.
func hostKeyCheck(path string) ssh.HostKeyCallback {
	check, err := knownhosts.New(path)
	if err != nil {
		contract.SessionFailed("go adapter: cannot read the known_hosts file: %v", err)
	}
	return check
}

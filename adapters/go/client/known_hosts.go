package main

import (
	"errors"
	"net"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"sshtc/contract"
)

// hostKeyCheck is strict checking against the known_hosts file at `path`, of the name the client
// was given (SSHTC_HOST and SSHTC_PORT as host:port), as the other clients check it: `[host]:port`,
// or `host` on port 22. x/crypto's knownhosts needs two things put right for that, which
// known_hosts_test.go holds it to:
//
//   - It splits the stream's remote address as host:port before it looks at the name, and fails
//     when it cannot (knownhosts.go hostKeyDB.check, still so upstream): "knownhosts:
//     SplitHostPort(@): missing port in address" on a socketpair, whose peer net.FileConn names
//     "@", and so on every stream that is not TCP. Found by this suite. There it is given the name
//     as the remote address too.
//   - It applies a pattern's wildcards to the host only and compares the port as written
//     (hostPattern.match; golang/go#52056), so `[127.0.0.1]:*`, which OpenSSH matches against the
//     whole `[127.0.0.1]:PORT`, matches no port but one written "*". When no line names the
//     host:port, the check is asked again of host:"*", which is what such a line says.
func hostKeyCheck(path string) ssh.HostKeyCallback {
	check, err := knownhosts.New(path)
	if err != nil {
		contract.SessionFailed("go adapter: cannot read the known_hosts file: %v", err)
	}
	return func(name string, remote net.Addr, key ssh.PublicKey) error {
		if !isHostPort(remote) {
			remote = namedAddr(name)
		}
		err := check(name, remote, key)
		var unknown *knownhosts.KeyError
		if !errors.As(err, &unknown) || len(unknown.Want) > 0 {
			return err
		}
		host, port, splitErr := net.SplitHostPort(name)
		if splitErr != nil || port == "22" {
			return err
		}
		anyPort := net.JoinHostPort(host, "*")
		return check(anyPort, namedAddr(anyPort), key)
	}
}

func isHostPort(address net.Addr) bool {
	if address == nil {
		return false
	}
	_, _, err := net.SplitHostPort(address.String())
	return err == nil
}

// namedAddr is a host:port name standing for a stream's remote address.
type namedAddr string

func (namedAddr) Network() string  { return "name" }
func (a namedAddr) String() string { return string(a) }

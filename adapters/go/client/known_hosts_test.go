package main

// What x/crypto's knownhosts does with the names and streams of this suite, and what
// hostKeyCheck makes of it. The tests of knownhosts alone hold the reasons for the workarounds:
// the day one fails, upstream has changed and the workaround may go.

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func newKey(t *testing.T) ssh.PublicKey {
	public, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(public)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// knownHosts is a known_hosts file of the harness's line (harness/run_directory.cpp) for `key`.
func knownHosts(t *testing.T, key ssh.PublicKey) string {
	path := filepath.Join(t.TempDir(), "known_hosts")
	line := "sshtc-server,127.0.0.1,::1,[127.0.0.1]:*,[::1]:* " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))
	if err := os.WriteFile(path, []byte(line+"\n"), 0600); err != nil {
		t.Fatal(err)
	}
	return path
}

// What net.FileConn names a socketpair's peer.
var unnamedPeer = &net.UnixAddr{Name: "@", Net: "unix"}

var loopbackPeer = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}

func TestKnownhostsSplitsTheRemoteAddressBeforeItLooksAtTheName(t *testing.T) {
	key := newKey(t)
	check, err := knownhosts.New(knownHosts(t, key))
	if err != nil {
		t.Fatal(err)
	}
	err = check("sshtc-server:22", unnamedPeer, key)
	if err == nil || !strings.Contains(err.Error(), "SplitHostPort(@)") {
		t.Fatalf("knownhosts now takes a name over a stream without a host:port (%v): hostKeyCheck's remote address may go", err)
	}
}

func TestKnownhostsMatchesAPortWrittenAsAWildcardLiterally(t *testing.T) {
	key := newKey(t)
	check, err := knownhosts.New(knownHosts(t, key))
	if err != nil {
		t.Fatal(err)
	}
	var unknown *knownhosts.KeyError
	err = check("127.0.0.1:40000", loopbackPeer, key)
	if !errors.As(err, &unknown) || len(unknown.Want) != 0 {
		t.Fatalf("knownhosts now matches [127.0.0.1]:* against port 40000 (%v): hostKeyCheck's second check may go", err)
	}
}

func TestHostKeyCheckTakesTheNamedKeyOnEveryStream(t *testing.T) {
	key := newKey(t)
	check := hostKeyCheck(knownHosts(t, key))
	for _, c := range []struct {
		name   string
		remote net.Addr
	}{
		{"sshtc-server:22", unnamedPeer},
		{"sshtc-server:22", namedAddr("descriptors 4 and 7")},
		{"sshtc-server:22", nil},
		{"127.0.0.1:40000", loopbackPeer},
		{"[::1]:40000", &net.TCPAddr{IP: net.IPv6loopback, Port: 40000}},
	} {
		if err := check(c.name, c.remote, key); err != nil {
			t.Errorf("%s over %v: %v", c.name, c.remote, err)
		}
	}
}

func TestHostKeyCheckStaysStrict(t *testing.T) {
	key := newKey(t)
	check := hostKeyCheck(knownHosts(t, key))
	other := newKey(t)
	for _, c := range []struct {
		name   string
		remote net.Addr
		key    ssh.PublicKey
	}{
		{"sshtc-server:22", unnamedPeer, other},  // another key for the name
		{"127.0.0.1:40000", loopbackPeer, other}, // another key for the wildcard line
		{"elsewhere:22", unnamedPeer, key},       // a name no line lists
		{"[127.0.0.2]:40000", loopbackPeer, key}, // nor this one
	} {
		if err := check(c.name, c.remote, c.key); err == nil {
			t.Errorf("%s over %v: a key not listed for it was accepted", c.name, c.remote)
		}
	}
}

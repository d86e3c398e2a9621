// Go's SSH, golang.org/x/crypto/ssh, as a client adapter (the client contract, README): exec,
// stdin, forward (direct-tcpip, and direct-streamlocal@openssh.com) and sftp (with
// github.com/pkg/sftp, as Go programs do: x/crypto has no SFTP). It dials tcp itself, as
// ssh.Dial does, and takes every other transport's descriptors as they are handed over
// (contract.Stream): a Go program gets no further than a net.Conn.
//
// Built statically (CGO_ENABLED=0): Go makes its system calls itself, which the suite's
// LD_PRELOAD audit cannot see.
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"

	"golang.org/x/crypto/ssh"

	"sshtc/contract"
	"sshtc/exitcodes"
)

// session is one scenario's work over the authenticated connection; it returns the exit status.
type session func(client *ssh.Client) int

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(contract.VersionLine())
		return
	}
	if len(os.Args) != 1 {
		fmt.Fprintf(os.Stderr, "usage: %s [--version]\n", os.Args[0])
		os.Exit(exitcodes.SessionFailed)
	}
	// The scenario, and its variables, before any descriptor is touched.
	var run session
	switch contract.CheckScenario("exec", "stdin", "forward", "sftp") {
	case "exec":
		run = command(contract.Required("SSHTC_COMMAND"), false)
	case "stdin":
		run = command(contract.Required("SSHTC_COMMAND"), true)
	case "forward":
		run = forward(forwardTargetFromEnvironment())
	case "sftp":
		run = transfer(sftpPlanFromEnvironment())
	}
	conn, name := open()
	client := connect(conn, name)
	status := run(client)
	client.Close()
	os.Exit(status)
}

// open is the transport's byte stream, and the name the server goes by in known_hosts:
// SSHTC_HOST and SSHTC_PORT as host:port (sshtc-server:22 on descriptor transports).
func open() (net.Conn, string) {
	port, err := strconv.Atoi(contract.Required("SSHTC_PORT"))
	if err != nil || port < 0 || port > 65535 {
		contract.SessionFailed("contract: SSHTC_PORT='%s' is not a port", os.Getenv("SSHTC_PORT"))
	}
	address := net.JoinHostPort(contract.Required("SSHTC_HOST"), strconv.Itoa(port))
	if os.Getenv("SSHTC_FD_IN") == "" {
		conn, err := net.Dial("tcp", address)
		if err != nil {
			contract.SessionFailed("go adapter: session failed: %v", err)
		}
		return conn, address
	}
	conn, err := contract.Stream(descriptor("SSHTC_FD_IN"), descriptor("SSHTC_FD_OUT"))
	if err != nil {
		contract.SessionFailed("go adapter: session failed: bad stream from the harness: %v", err)
	}
	return conn, address
}

func descriptor(name string) int {
	fd, err := strconv.Atoi(contract.Required(name))
	if err != nil || fd < 0 {
		contract.SessionFailed("contract: %s='%s' is not a descriptor", name, os.Getenv(name))
	}
	return fd
}

// connect is the key exchange, the host key checked against SSHTC_KNOWN_HOSTS by `name`, and
// public key authentication with SSHTC_IDENTITY as SSHTC_USER. SSHTC_REKEY_BYTES is the server's
// to act on (README): the client takes the server's re-keys and starts none of its own, as the
// other clients do.
func connect(conn net.Conn, name string) *ssh.Client {
	identity, err := os.ReadFile(contract.Required("SSHTC_IDENTITY"))
	if err != nil {
		contract.SessionFailed("go adapter: cannot read the identity: %v", err)
	}
	signer, err := ssh.ParsePrivateKey(identity)
	if err != nil {
		contract.SessionFailed("go adapter: cannot parse the identity %s: %v", os.Getenv("SSHTC_IDENTITY"), err)
	}
	config := &ssh.ClientConfig{
		User:            contract.Required("SSHTC_USER"),
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeyCheck(contract.Required("SSHTC_KNOWN_HOSTS")),
	}
	c, channels, requests, err := ssh.NewClientConn(conn, name, config)
	if err != nil {
		contract.SessionFailed("go adapter: session failed: %v", err)
	}
	return ssh.NewClient(c, channels, requests)
}

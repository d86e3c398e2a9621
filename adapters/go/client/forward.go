package main

import (
	"io"
	"net"
	"os"
	"strconv"

	"golang.org/x/crypto/ssh"

	"sshtc/contract"
)

// forwardTarget is where scenario forward's channel goes, as ssh.Client.Dial takes it: "tcp"
// and host:port (SSHTC_FORWARD_HOST, SSHTC_FORWARD_PORT) for direct-tcpip, or "unix" and the
// path (SSHTC_FORWARD_PATH) for direct-streamlocal@openssh.com.
type forwardTarget struct {
	network, address string
}

func forwardTargetFromEnvironment() forwardTarget {
	path := os.Getenv("SSHTC_FORWARD_PATH")
	hasTCP := os.Getenv("SSHTC_FORWARD_HOST") != "" || os.Getenv("SSHTC_FORWARD_PORT") != ""
	if (path != "") == hasTCP {
		contract.SessionFailed("contract: scenario forward needs SSHTC_FORWARD_HOST and SSHTC_FORWARD_PORT, " +
			"or SSHTC_FORWARD_PATH, and not both")
	}
	if path != "" {
		return forwardTarget{"unix", path}
	}
	port, err := strconv.Atoi(contract.Required("SSHTC_FORWARD_PORT"))
	if err != nil || port < 0 || port > 65535 {
		contract.SessionFailed("contract: SSHTC_FORWARD_PORT='%s' is not a port", os.Getenv("SSHTC_FORWARD_PORT"))
	}
	return forwardTarget{"tcp", net.JoinHostPort(contract.Required("SSHTC_FORWARD_HOST"), strconv.Itoa(port))}
}

// forward is scenario forward, as `ssh -W` does: our stdin into the channel, then its EOF, and
// the channel's data onto our stdout until the channel's EOF.
func forward(target forwardTarget) session {
	return func(client *ssh.Client) int {
		channel, err := client.Dial(target.network, target.address)
		if err != nil {
			contract.SessionFailed("go adapter: forward channel to %s:%s: %v", target.network, target.address, err)
		}
		// Not waited for: the far end's EOF ends the scenario, whatever is left of our stdin.
		go func() {
			io.Copy(channel, os.Stdin)
			// Client.Dial's connections are channels, which half-close.
			channel.(interface{ CloseWrite() error }).CloseWrite()
		}()
		if _, err := io.Copy(os.Stdout, channel); err != nil {
			contract.SessionFailed("go adapter: passing the forwarded data on: %v", err)
		}
		return 0
	}
}

package main

import (
	"fmt"
	"log"
	"net"
	"os"

	"golang.org/x/crypto/ssh"

	"sshtc/contract"
	"sshtc/exitcodes"
)

// serve is the one connection of inetd mode, on stdin and stdout; it returns the adapter's exit
// status. Its channels are served each on its own; when the connection ends (the client's
// disconnect, or the stream's end), so does the adapter, and every command it started with it.
func serve(logger *log.Logger, config *ssh.ServerConfig) int {
	conn, err := contract.Stream(0, 1)
	if err != nil {
		return failed(logger, "the stream on stdin and stdout: %v", err)
	}
	logger.Printf("connection on %s", describe(conn.RemoteAddr()))
	server, channels, requests, err := ssh.NewServerConn(conn, config)
	if err != nil {
		return failed(logger, "handshake: %v", err)
	}
	logger.Printf("%s logged in (client %s)", server.User(), server.ClientVersion())
	// Global requests (tcpip-forward, keepalives) are refused.
	go ssh.DiscardRequests(requests)
	context := loginContext(logger)
	commands := &running{}
	for opened := range channels {
		switch kind := opened.ChannelType(); kind {
		case "session":
			go serveSession(opened, context, commands, logger)
		case "direct-tcpip", "direct-streamlocal@openssh.com":
			go serveForward(opened, logger)
		default:
			logger.Printf("refused a %s channel", kind)
			opened.Reject(ssh.UnknownChannelType, "go server: no "+kind+" channels here")
		}
	}
	// The channels end with the connection.
	logger.Printf("connection closed: %v", server.Wait())
	commands.killAll(logger)
	return 0
}

// failed is a connection that could not be served: the reason in the log and on stderr.
func failed(logger *log.Logger, format string, args ...interface{}) int {
	reason := fmt.Sprintf("go server: "+format, args...)
	logger.Print(reason)
	fmt.Fprintln(os.Stderr, reason)
	return exitcodes.SessionFailed
}

// describe is an address for the log; net.FileConn gives none for an unnamed socket's peer.
func describe(address net.Addr) string {
	if address == nil {
		return "an unnamed socket"
	}
	return address.Network() + " " + address.String()
}

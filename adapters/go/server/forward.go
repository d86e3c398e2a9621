package main

import (
	"io"
	"log"
	"net"
	"strconv"
	"sync"

	"golang.org/x/crypto/ssh"
)

// The channel-open payloads (RFC 4254 section 7.2; openssh-portable PROTOCOL section 2.4).
type directTCPIP struct {
	Host       string
	Port       uint32
	OriginHost string
	OriginPort uint32
}

type directStreamLocal struct {
	Path      string
	Reserved0 string
	Reserved1 uint32
}

// serveForward serves a direct-tcpip or direct-streamlocal@openssh.com channel: it dials the
// target and copies both ways, each direction's end passed on as a half-close, until both have
// ended.
func serveForward(opened ssh.NewChannel, logger *log.Logger) {
	network, address, ok := forwardTarget(opened)
	if !ok {
		logger.Printf("refused a %s channel: a malformed payload", opened.ChannelType())
		opened.Reject(ssh.ConnectionFailed, "go server: malformed "+opened.ChannelType()+" payload")
		return
	}
	target, err := net.Dial(network, address)
	if err != nil {
		logger.Printf("refused a %s channel: %v", opened.ChannelType(), err)
		opened.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	defer target.Close()
	channel, requests, err := opened.Accept()
	if err != nil {
		logger.Printf("%s channel: %v", opened.ChannelType(), err)
		return
	}
	defer channel.Close()
	go ssh.DiscardRequests(requests)
	logger.Printf("%s channel to %s %s", opened.ChannelType(), network, address)
	var both sync.WaitGroup
	both.Add(2)
	go func() {
		defer both.Done()
		io.Copy(target, channel)
		// net.TCPConn and net.UnixConn both half-close.
		target.(interface{ CloseWrite() error }).CloseWrite()
	}()
	go func() {
		defer both.Done()
		io.Copy(channel, target)
		channel.CloseWrite()
	}()
	both.Wait()
}

// forwardTarget is where the channel goes, as net.Dial takes it.
func forwardTarget(opened ssh.NewChannel) (network, address string, ok bool) {
	if opened.ChannelType() == "direct-tcpip" {
		var to directTCPIP
		if ssh.Unmarshal(opened.ExtraData(), &to) != nil || to.Port > 65535 {
			return "", "", false
		}
		return "tcp", net.JoinHostPort(to.Host, strconv.Itoa(int(to.Port))), true
	}
	var to directStreamLocal
	if ssh.Unmarshal(opened.ExtraData(), &to) != nil {
		return "", "", false
	}
	return "unix", to.Path, true
}

package main

import (
	"io"
	"log"

	"golang.org/x/crypto/ssh"
)

// kexLogMarker marks a key exchange in the server's log; --version leaves it in
// SSHTC_SERVER_STATE/kex-log-marker, by which the re-key case counts them.
const kexLogMarker = "key exchange: the exchange hash signed with the host key"

// kexLoggingSigner is the host key, logging each of its signatures. x/crypto/ssh tells of no key
// exchange, but its server signs the exchange hash with the host key once in each, the first and
// every re-key alike (RFC 4253 section 8; handshake.go, handshakeTransport.server), and uses the
// key for nothing else.
type kexLoggingSigner struct {
	ssh.Signer
	logger *log.Logger
}

func (s kexLoggingSigner) Sign(random io.Reader, data []byte) (*ssh.Signature, error) {
	s.logger.Print(kexLogMarker)
	return s.Signer.Sign(random, data)
}

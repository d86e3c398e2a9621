// Go's SSH, golang.org/x/crypto/ssh, as an inetd-mode server adapter (the server contract,
// README): one connection on the stream it is given as stdin and stdout, served the way a Go
// program serves SSH with x/crypto alone. It serves session channels with "exec" (the command
// through /bin/sh -c, as the user running it) and "subsystem sftp" (github.com/pkg/sftp's server,
// in this process), and direct-tcpip and direct-streamlocal@openssh.com channels, and re-keys
// after SSHTC_REKEY_BYTES.
//
//	server --version   once per run: checks the host key and the authorized keys, leaves the
//	                   kex-log-marker in SSHTC_SERVER_STATE, prints the version
//	server             one session on stdin and stdout
//
// Built statically (CGO_ENABLED=0): Go makes its system calls itself, which the suite's
// LD_PRELOAD audit cannot see.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"

	"sshtc/contract"
	"sshtc/exitcodes"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		prepare()
		fmt.Println(contract.VersionLine())
		return
	}
	if len(os.Args) != 1 {
		fmt.Fprintf(os.Stderr, "usage: %s [--version]\n", os.Args[0])
		os.Exit(exitcodes.SessionFailed)
	}
	// Every scenario and variant is served: only the compliance probe's is refused.
	contract.CheckScenario("exec", "stdin", "forward", "sftp")
	logFile, err := os.OpenFile(contract.Required("SSHTC_SERVER_LOG"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0600)
	if err != nil {
		contract.SessionFailed("go server: cannot open the log: %v", err)
	}
	logger := log.New(logFile, "", log.LstdFlags|log.Lmicroseconds)
	os.Exit(serve(logger, configure(logger)))
}

// prepare is the once-per-run preparation: what a session will read is read now, so that a
// broken key fails the set-up with its reason instead of every session.
func prepare() {
	if _, err := hostKey(nil); err != nil {
		fail("%v", err)
	}
	if _, err := authorizedKeys(); err != nil {
		fail("%v", err)
	}
	marker := filepath.Join(contract.Required("SSHTC_SERVER_STATE"), "kex-log-marker")
	if err := os.WriteFile(marker, []byte(kexLogMarker+"\n"), 0600); err != nil {
		fail("cannot write %s: %v", marker, err)
	}
}

// fail is a preparation that failed otherwise than with cannot-do: the set-up names the server and
// the reason.
func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// configure is the server's side of the connection: the run's host key (logging each key
// exchange), the one authorized key for SSHTC_USER, and the re-key limit a case asks for.
func configure(logger *log.Logger) *ssh.ServerConfig {
	key, err := hostKey(logger)
	if err != nil {
		contract.SessionFailed("go server: %v", err)
	}
	accepted, err := authorizedKeys()
	if err != nil {
		contract.SessionFailed("go server: %v", err)
	}
	user := contract.Required("SSHTC_USER")
	config := &ssh.ServerConfig{
		PublicKeyCallback: func(meta ssh.ConnMetadata, offered ssh.PublicKey) (*ssh.Permissions, error) {
			if meta.User() != user {
				return nil, fmt.Errorf("user %q is not %q, the only one served", meta.User(), user)
			}
			if !accepted[string(offered.Marshal())] {
				return nil, fmt.Errorf("%s key %s is not in %s", offered.Type(), ssh.FingerprintSHA256(offered),
					os.Getenv("SSHTC_AUTHORIZED_KEYS"))
			}
			return nil, nil
		},
		AuthLogCallback: func(meta ssh.ConnMetadata, method string, err error) {
			if err == nil {
				logger.Printf("accepted %s for %s", method, meta.User())
			} else if method != "none" {
				logger.Printf("refused %s for %s: %v", method, meta.User(), err)
			}
		},
	}
	config.AddHostKey(key)
	if limit := os.Getenv("SSHTC_REKEY_BYTES"); limit != "" {
		var bytes uint64
		if _, err := fmt.Sscan(limit, &bytes); err != nil || bytes == 0 {
			contract.SessionFailed("contract: SSHTC_REKEY_BYTES='%s' is not a number of bytes", limit)
		}
		// Counted in each direction (handshake.go readBytesLeft, writeBytesLeft).
		config.RekeyThreshold = bytes
	}
	return config
}

// hostKey is SSHTC_HOST_KEY, the run's host key, logging each key exchange to `logger` (none:
// preparation).
func hostKey(logger *log.Logger) (ssh.Signer, error) {
	path := contract.Required("SSHTC_HOST_KEY")
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the host key: %v", err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		return nil, fmt.Errorf("cannot parse the host key %s: %v", path, err)
	}
	if logger == nil {
		return signer, nil
	}
	return kexLoggingSigner{signer, logger}, nil
}

// authorizedKeys is the keys of SSHTC_AUTHORIZED_KEYS, as their wire encoding.
func authorizedKeys() (map[string]bool, error) {
	path := contract.Required("SSHTC_AUTHORIZED_KEYS")
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the authorized keys: %v", err)
	}
	keys := map[string]bool{}
	for len(text) > 0 {
		key, _, _, rest, err := ssh.ParseAuthorizedKey(text)
		if err != nil {
			// ParseAuthorizedKey skips what it cannot read; this is the end of the keys.
			break
		}
		keys[string(key.Marshal())] = true
		text = rest
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no key in the authorized keys %s", path)
	}
	return keys, nil
}

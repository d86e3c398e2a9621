package main

import (
	"errors"
	"io"
	"os"
	"sync"

	"golang.org/x/crypto/ssh"

	"sshtc/contract"
)

// command is scenarios exec and stdin: the remote command's stdout and stderr each onto ours,
// byte for byte, and its exit status as ours. With passStdin our stdin goes to the remote command,
// then EOF, while its output keeps coming back; without, its stdin is at EOF at once (`ssh -n`).
func command(line string, passStdin bool) session {
	return func(client *ssh.Client) int {
		s, err := client.NewSession()
		if err != nil {
			contract.SessionFailed("go adapter: session channel: %v", err)
		}
		stdin, err := s.StdinPipe()
		if err != nil {
			contract.SessionFailed("go adapter: %v", err)
		}
		stdout, err := s.StdoutPipe()
		if err != nil {
			contract.SessionFailed("go adapter: %v", err)
		}
		stderr, err := s.StderrPipe()
		if err != nil {
			contract.SessionFailed("go adapter: %v", err)
		}
		if err := s.Start(line); err != nil {
			contract.SessionFailed("go adapter: exec request: %v", err)
		}
		if passStdin {
			// Not waited for: when the remote command exits first, the channel's close ends the
			// copy's write, and a stdin that never ends (/dev/zero) or never speaks keeps nothing
			// alive, since the adapter exits with the status.
			go func() {
				io.Copy(stdin, os.Stdin)
				stdin.Close()
			}()
		} else {
			stdin.Close()
		}
		// Both streams at once: x/crypto gives the window back only for what is read, and one
		// window serves both.
		var copies sync.WaitGroup
		copies.Add(2)
		go passOn(&copies, os.Stdout, stdout, "stdout")
		go passOn(&copies, os.Stderr, stderr, "stderr")
		copies.Wait()
		return exitStatus(s.Wait())
	}
}

// passOn copies the remote's `stream` onto ours until the channel's EOF (or close).
func passOn(done *sync.WaitGroup, to io.Writer, from io.Reader, stream string) {
	defer done.Done()
	if _, err := io.Copy(to, from); err != nil {
		contract.SessionFailed("go adapter: passing the remote %s on: %v", stream, err)
	}
}

// exitStatus is the remote command's end as ours: its status, or 128 + the signal's number as
// x/crypto counts it.
func exitStatus(err error) int {
	var exited *ssh.ExitError
	if err == nil {
		return 0
	}
	if errors.As(err, &exited) {
		return exited.ExitStatus()
	}
	reason := "go adapter: session failed: " + err.Error()
	if errors.As(err, new(*ssh.ExitMissingError)) {
		reason = "go adapter: the server sent no exit status"
	}
	contract.SessionFailed("%s", reason)
	panic("not reached")
}

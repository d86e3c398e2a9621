package main

import (
	"errors"
	"io"
	"log"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// commandShell runs every exec request's command line, as `sh -c`.
const commandShell = "/bin/sh"

// serveSession serves a session channel: one "exec" or "subsystem sftp" request, then the
// channel's end. Everything else asked of it (pty-req, env, shell, signals) is refused.
func serveSession(opened ssh.NewChannel, context []string, commands *running, logger *log.Logger) {
	channel, requests, err := opened.Accept()
	if err != nil {
		logger.Printf("session channel: %v", err)
		return
	}
	started := false
	for request := range requests {
		var name struct{ Value string }
		ok := !started && (request.Type == "exec" || request.Type == "subsystem") &&
			ssh.Unmarshal(request.Payload, &name) == nil &&
			(request.Type == "exec" || name.Value == "sftp")
		if request.WantReply {
			request.Reply(ok, nil)
		}
		if !ok {
			logger.Printf("refused a %s request on a session channel", request.Type)
			continue
		}
		// The channel's requests are still read meanwhile: x/crypto's connection waits for them.
		started = true
		if request.Type == "exec" {
			logger.Printf("exec %q", name.Value)
			go runCommand(channel, name.Value, context, commands, logger)
		} else {
			logger.Printf("subsystem sftp")
			go serveSFTP(channel, logger)
		}
	}
}

// runCommand runs `line` with the channel as its stdin, stdout and stderr: the channel's EOF is
// its stdin's end, its output's end is the channel's EOF, and its exit the exit-status and the
// channel's close.
func runCommand(channel ssh.Channel, line string, context []string, commands *running, logger *log.Logger) {
	defer channel.Close()
	command := exec.Command(commandShell, "-c", line)
	command.Env = context
	stdin, err := command.StdinPipe()
	if err != nil {
		logger.Printf("exec: %v", err)
		return
	}
	stdout, err := command.StdoutPipe()
	if err != nil {
		logger.Printf("exec: %v", err)
		return
	}
	stderr, err := command.StderrPipe()
	if err != nil {
		logger.Printf("exec: %v", err)
		return
	}
	if err := commands.start(command); err != nil {
		logger.Printf("exec: %v", err)
		channel.Stderr().Write([]byte("go server: " + err.Error() + "\n"))
		sendExitStatus(channel, 127, logger)
		return
	}
	// Not waited for: a command that exits without reading all of its stdin ends the copy with
	// EPIPE, and the channel's close ends one that waits for more.
	go func() {
		io.Copy(stdin, channel)
		stdin.Close()
	}()
	var output sync.WaitGroup
	output.Add(2)
	go copyOutput(&output, channel, stdout, "stdout", logger)
	go copyOutput(&output, channel.Stderr(), stderr, "stderr", logger)
	// All of the output before the status, as os/exec requires of its pipes.
	output.Wait()
	err = commands.wait(command)
	var exited *exec.ExitError
	switch {
	case err == nil:
		sendExitStatus(channel, 0, logger)
	case errors.As(err, &exited) && exited.Exited():
		sendExitStatus(channel, uint32(exited.ExitCode()), logger)
	case errors.As(err, &exited):
		sendExitSignal(channel, exited.Sys().(syscall.WaitStatus), logger)
	default:
		logger.Printf("exec: %v", err)
	}
	// The status before the EOF, unlike sshd: clients such as dbclient close the channel on the
	// server's EOF, and x/crypto answers a close with its own at once (RFC 4254 section 5.3),
	// where sshd holds the channel until its command has exited: a status sent after the EOF
	// was lost now and then (libssh2 and dbclient, ExitStatusPropagates).
	channel.CloseWrite()
}

// copyOutput passes the command's `stream` on to the channel until the command closes it.
func copyOutput(done *sync.WaitGroup, to io.Writer, from io.Reader, stream string, logger *log.Logger) {
	defer done.Done()
	if _, err := io.Copy(to, from); err != nil {
		logger.Printf("passing the command's %s on: %v", stream, err)
		// The rest is read and dropped, so that the command is not stopped by a full pipe.
		io.Copy(io.Discard, from)
	}
}

func sendExitStatus(channel ssh.Channel, status uint32, logger *log.Logger) {
	logger.Printf("exit-status %d", status)
	channel.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
}

// sendExitSignal tells of a command killed by a signal, by the signal's name without "SIG"
// (RFC 4254 section 6.10).
func sendExitSignal(channel ssh.Channel, status syscall.WaitStatus, logger *log.Logger) {
	name := signalNames[status.Signal()]
	if name == "" {
		name = "SIGNAL" + strconv.Itoa(int(status.Signal()))
	}
	logger.Printf("exit-signal %s", name)
	channel.SendRequest("exit-signal", false, ssh.Marshal(struct {
		Signal     string
		CoreDumped bool
		Error      string
		Language   string
	}{name, status.CoreDump(), "", ""}))
}

// The signal names of RFC 4254 section 6.10.
var signalNames = map[syscall.Signal]string{
	syscall.SIGABRT: "ABRT", syscall.SIGALRM: "ALRM", syscall.SIGFPE: "FPE", syscall.SIGHUP: "HUP",
	syscall.SIGILL: "ILL", syscall.SIGINT: "INT", syscall.SIGKILL: "KILL", syscall.SIGPIPE: "PIPE",
	syscall.SIGQUIT: "QUIT", syscall.SIGSEGV: "SEGV", syscall.SIGTERM: "TERM", syscall.SIGUSR1: "USR1",
	syscall.SIGUSR2: "USR2",
}

// serveSFTP is the sftp subsystem, by github.com/pkg/sftp's server in this process, as the user
// running it; its exit status is 0 when the client ended it.
func serveSFTP(channel ssh.Channel, logger *log.Logger) {
	defer channel.Close()
	server, err := sftp.NewServer(channel)
	if err != nil {
		logger.Printf("sftp: %v", err)
		return
	}
	if err := server.Serve(); err != nil && err != io.EOF {
		logger.Printf("sftp: %v", err)
		return
	}
	sendExitStatus(channel, 0, logger)
}

// running is the commands started and not yet waited for, which the connection's end kills: the
// adapter must not leave them behind it.
type running struct {
	mutex     sync.Mutex
	processes map[*os.Process]bool
	closed    bool
}

func (r *running) start(command *exec.Cmd) error {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	if r.closed {
		return errors.New("the connection has ended")
	}
	if err := command.Start(); err != nil {
		return err
	}
	if r.processes == nil {
		r.processes = map[*os.Process]bool{}
	}
	r.processes[command.Process] = true
	return nil
}

func (r *running) wait(command *exec.Cmd) error {
	err := command.Wait()
	r.mutex.Lock()
	delete(r.processes, command.Process)
	r.mutex.Unlock()
	return err
}

func (r *running) killAll(logger *log.Logger) {
	r.mutex.Lock()
	defer r.mutex.Unlock()
	r.closed = true
	for process := range r.processes {
		logger.Printf("killing pid %d, still running at the connection's end", process.Pid)
		process.Kill()
	}
}

package contract

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

// Stream is the byte stream of two inherited descriptors (a client's SSHTC_FD_IN and
// SSHTC_FD_OUT, a server's stdin and stdout) as the net.Conn that x/crypto/ssh takes. One socket
// for both directions becomes what net.FileConn makes of it; anything else (a pair of pipes, or a
// socket of a family net.FileConn does not know: it takes inet and unix ones only, and answers
// EPROTONOSUPPORT for vsock) is read and written as files, with plain read(2) and write(2).
//
// It works on duplicates and leaves the given descriptors open: a server's stdin and stdout stay
// what they are, and a write to a broken pipe is EPIPE on the duplicate, where on descriptor 1
// the Go runtime would raise SIGPIPE and the adapter would die of it instead of saying why.
func Stream(fdIn, fdOut int) (net.Conn, error) {
	same, err := sameFile(fdIn, fdOut)
	if err != nil {
		return nil, err
	}
	// Never an *os.File of the given descriptor itself: its finalizer would close it.
	in, err := duplicate(fdIn)
	if err != nil {
		return nil, err
	}
	if same {
		// FileConn makes a duplicate of its own.
		if conn, err := net.FileConn(in); err == nil {
			in.Close()
			return conn, nil
		}
		return &fileConn{in: in, out: in, addr: fileAddr(fmt.Sprintf("descriptor %d", fdIn))}, nil
	}
	out, err := duplicate(fdOut)
	if err != nil {
		in.Close()
		return nil, err
	}
	return &fileConn{in: in, out: out, addr: fileAddr(fmt.Sprintf("descriptors %d and %d", fdIn, fdOut))}, nil
}

// sameFile: both descriptors are one open file (equal, or duplicates of each other's socket).
func sameFile(a, b int) (bool, error) {
	if a == b {
		return true, nil
	}
	var sa, sb syscall.Stat_t
	if err := syscall.Fstat(a, &sa); err != nil {
		return false, fmt.Errorf("fstat(%d): %w", a, err)
	}
	if err := syscall.Fstat(b, &sb); err != nil {
		return false, fmt.Errorf("fstat(%d): %w", b, err)
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}

// duplicate is a close-on-exec duplicate of fd as an *os.File: the processes a server starts
// never inherit the stream.
func duplicate(fd int) (*os.File, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	copied, err := syscall.Dup(fd)
	if err != nil {
		return nil, fmt.Errorf("dup(%d): %w", fd, err)
	}
	syscall.CloseOnExec(copied)
	return os.NewFile(uintptr(copied), fmt.Sprintf("descriptor %d (duplicate of %d)", copied, fd)), nil
}

// fileAddr names a stream of descriptors, which has no network address.
type fileAddr string

func (fileAddr) Network() string  { return "file" }
func (a fileAddr) String() string { return string(a) }

// fileConn reads `in` and writes `out` (the same file for a socket net.FileConn does not take).
type fileConn struct {
	in, out *os.File
	addr    fileAddr
}

func (c *fileConn) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c *fileConn) Write(p []byte) (int, error) { return c.out.Write(p) }

func (c *fileConn) Close() error {
	err := c.in.Close()
	if c.out != c.in {
		if outErr := c.out.Close(); err == nil {
			err = outErr
		}
	}
	return err
}

func (c *fileConn) LocalAddr() net.Addr  { return c.addr }
func (c *fileConn) RemoteAddr() net.Addr { return c.addr }

// The deadlines are the files' own: os.ErrNoDeadline on a blocking pipe, which is the truth.
// x/crypto/ssh sets none.
func (c *fileConn) SetDeadline(t time.Time) error {
	if err := c.in.SetReadDeadline(t); err != nil {
		return err
	}
	return c.out.SetWriteDeadline(t)
}
func (c *fileConn) SetReadDeadline(t time.Time) error  { return c.in.SetReadDeadline(t) }
func (c *fileConn) SetWriteDeadline(t time.Time) error { return c.out.SetWriteDeadline(t) }

package contract

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// roundTrip writes through `conn` and reads it back at the far end, then the other way.
func roundTrip(t *testing.T, conn net.Conn, farIn io.Reader, farOut io.Writer) {
	t.Helper()
	if _, err := conn.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(farIn, got); err != nil || string(got) != "ping" {
		t.Fatalf("the far end read %q, %v", got, err)
	}
	if _, err := farOut.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != "pong" {
		t.Fatalf("the stream read %q, %v", got, err)
	}
}

// stillOpen: Stream works on duplicates, and leaves the given descriptors as they were.
func stillOpen(t *testing.T, fds ...int) {
	t.Helper()
	for _, fd := range fds {
		var stat syscall.Stat_t
		if err := syscall.Fstat(fd, &stat); err != nil {
			t.Errorf("descriptor %d: %v after Stream", fd, err)
		}
	}
}

func TestASocketIsWhatFileConnMakesOfIt(t *testing.T) {
	pair, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	far := os.NewFile(uintptr(pair[1]), "far")
	defer far.Close()
	conn, err := Stream(pair[0], pair[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, ok := conn.(*net.UnixConn); !ok {
		t.Errorf("a socketpair became a %T, not a *net.UnixConn", conn)
	}
	roundTrip(t, conn, far, far)
	stillOpen(t, pair[0])
}

func TestTwoPipesAreReadAndWrittenAsFiles(t *testing.T) {
	inRead, inWrite, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outRead, outWrite, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := Stream(int(inRead.Fd()), int(outWrite.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, conn, outRead, inWrite)
	stillOpen(t, int(inRead.Fd()), int(outWrite.Fd()))
	// Its Close closes both of its duplicates: with the originals closed too, the far end reads
	// EOF, and its writes fail.
	conn.Close()
	outWrite.Close()
	inRead.Close()
	if n, err := outRead.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("after Close the far end read %d bytes, %v, not EOF", n, err)
	}
}

// One descriptor that is no socket net.FileConn takes, as AF_VSOCK is not: a FIFO open for both.
func TestAStreamFileConnRefusesIsReadAndWrittenAsAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0600); err != nil {
		t.Fatal(err)
	}
	both, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer both.Close()
	conn, err := Stream(int(both.Fd()), int(both.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, ok := conn.(*fileConn); !ok {
		t.Fatalf("a FIFO became a %T", conn)
	}
	// A FIFO loops back: what is written is what is read.
	if _, err := conn.Write([]byte("loop")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != "loop" {
		t.Fatalf("read %q, %v", got, err)
	}
}

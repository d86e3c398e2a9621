// Package contract is what the suite's Go adapters share of the adapter contract (README, "The
// adapter contract (v2)"): the reserved exit codes with their one-line reasons, the scenario
// check that comes before anything else, the version line, and the byte stream the harness
// hands over (stream.go).
package contract

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"sshtc/exitcodes"
)

// xcryptoVersion is the Debian package's version of golang.org/x/crypto, which CMake passes with
// -ldflags -X: a GOPATH build records no module versions of its own.
var xcryptoVersion = "unknown"

// VersionLine is what --version prints, for both roles: the library and the Go it was built with.
func VersionLine() string {
	return "x/crypto/ssh " + xcryptoVersion + " (" + runtime.Version() + ")"
}

// oneLine is a reason as the harness reads it: one line.
func oneLine(format string, args ...interface{}) string {
	return strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ")
}

// SessionFailed ends the adapter with the contract's session-failed code and the reason.
func SessionFailed(format string, args ...interface{}) {
	fmt.Fprintln(os.Stderr, oneLine(format, args...))
	os.Exit(exitcodes.SessionFailed)
}

// CannotDo ends the adapter with the contract's cannot-do code (a SKIP) and the reason.
func CannotDo(format string, args ...interface{}) {
	fmt.Fprintln(os.Stderr, oneLine(format, args...))
	os.Exit(exitcodes.CannotDo)
}

// CheckScenario returns SSHTC_SCENARIO when it is one of `supported`, and otherwise ends the
// adapter with cannot-do: the harness's compliance probe asks for a scenario no adapter knows and
// requires exactly this answer, before the adapter touches a descriptor.
func CheckScenario(supported ...string) string {
	scenario := os.Getenv("SSHTC_SCENARIO")
	for _, known := range supported {
		if scenario == known {
			return scenario
		}
	}
	CannotDo("scenario '%s' is not implemented", scenario)
	return ""
}

// Required is the environment variable `name`, or the end of the adapter with session-failed.
func Required(name string) string {
	value := os.Getenv(name)
	if value == "" {
		SessionFailed("contract: %s is not set", name)
	}
	return value
}

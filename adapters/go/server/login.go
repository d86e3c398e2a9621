package main

import (
	"log"
	"os"
	"os/user"
)

// loginContext is what sshd gives a session of the user it logged in, who is the user running the
// adapter (a server that is not root serves only itself): the home directory as the working
// directory, and a login's environment of the passwd entry rather than the adapter's own.
func loginContext(logger *log.Logger) []string {
	account, err := user.Current()
	if err != nil {
		logger.Printf("no passwd entry of the user running the server (%v): the session starts in /", err)
		account = &user.User{Username: os.Getenv("SSHTC_USER"), HomeDir: "/"}
	}
	if err := os.Chdir(account.HomeDir); err != nil {
		logger.Printf("cannot enter the home directory %s (%v): the session starts in /", account.HomeDir, err)
		os.Chdir("/")
	}
	return []string{
		"USER=" + account.Username,
		"LOGNAME=" + account.Username,
		"HOME=" + account.HomeDir,
		"SHELL=" + commandShell,
		// Debian's sshd default.
		"PATH=/usr/local/bin:/usr/bin:/bin:/usr/games",
	}
}

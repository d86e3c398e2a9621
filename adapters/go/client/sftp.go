package main

import (
	"io"
	"os"
	"strings"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"sshtc/contract"
)

// sftpPlan is scenario sftp's two transfers: upload putLocal to putRemote (SSHTC_SFTP_PUT=L:R),
// then download getRemote to getLocal (SSHTC_SFTP_GET=R:L).
type sftpPlan struct {
	putLocal, putRemote, getRemote, getLocal string
}

func sftpPlanFromEnvironment() sftpPlan {
	var plan sftpPlan
	plan.putLocal, plan.putRemote = pathPair("SSHTC_SFTP_PUT")
	plan.getRemote, plan.getLocal = pathPair("SSHTC_SFTP_GET")
	return plan
}

// pathPair is "FROM:TO" of two absolute paths (README: they hold no colon).
func pathPair(name string) (string, string) {
	pair := strings.Split(contract.Required(name), ":")
	if len(pair) != 2 || !strings.HasPrefix(pair[0], "/") || !strings.HasPrefix(pair[1], "/") {
		contract.SessionFailed("contract: %s='%s' is not two absolute paths as FROM:TO", name, os.Getenv(name))
	}
	return pair[0], pair[1]
}

// transfer is scenario sftp over the sftp subsystem, with github.com/pkg/sftp's client.
func transfer(plan sftpPlan) session {
	return func(client *ssh.Client) int {
		files, err := sftp.NewClient(client)
		if err != nil {
			contract.SessionFailed("go adapter: sftp subsystem: %v", err)
		}
		defer files.Close()
		upload := "sftp upload of " + plan.putLocal + " to " + plan.putRemote
		local, err := os.Open(plan.putLocal)
		check(upload, err)
		remote, err := files.OpenFile(plan.putRemote, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
		check(upload, err)
		_, err = io.Copy(remote, local)
		check(upload, err)
		// The server may report a failed write (a full disk) only at the close.
		check(upload, remote.Close())
		local.Close()

		download := "sftp download of " + plan.getRemote + " to " + plan.getLocal
		remote, err = files.Open(plan.getRemote)
		check(download, err)
		local, err = os.OpenFile(plan.getLocal, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0600)
		check(download, err)
		_, err = io.Copy(local, remote)
		check(download, err)
		// The download's last bytes may only fail here.
		check(download, local.Close())
		remote.Close()
		return 0
	}
}

// check ends the session with the step's name and the error, if there is one.
func check(step string, err error) {
	if err != nil {
		contract.SessionFailed("go adapter: %s: %v", step, err)
	}
}

//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// runAs makes cmd run as user and group uid.
func runAs(cmd *exec.Cmd, uid int) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
}

//go:build !unix

package main

import "os/exec"

// runAs does nothing where processes cannot be started as another user;
// readOnly only asks for it when running as root, a Unix notion.
func runAs(*exec.Cmd, int) {}

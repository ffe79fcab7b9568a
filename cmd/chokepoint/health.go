package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// cmdHealth probes a running server's /healthz: the container HEALTHCHECK,
// since the runtime image has no curl. Without --url it probes the ops
// address the configuration gives serve (ops.listen, CHOKEPOINT_OPS), so
// the check follows the server wherever it is configured to listen.
func cmdHealth(ctx context.Context, env *environment, args []string) error {
	var c commonFlags
	fs := newFlagSet(env, "health", "[flags]", `Exits 0 when a running chokepoint serve answers its health check, at the ops
address of the configuration (ops.listen, or CHOKEPOINT_OPS) unless --url is given.`)
	fs.StringVar(&c.config, "config", "", "YAML configuration `file`")
	url := fs.String("url", "", "health `URL` to probe (default: /healthz at the configured ops address)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *url == "" {
		cfg, err := settings(env, c)
		if err != nil {
			return err
		}
		if *url, err = healthURL(cfg.Ops.Listen); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usagef("health: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %s", *url, resp.Status)
	}
	fmt.Fprintln(env.stdout, "ok")
	return nil
}

// healthURL is the /healthz URL of a server whose ops endpoint listens on
// addr; an address on every interface is probed on loopback.
func healthURL(addr string) (string, error) {
	if addr == "" {
		return "", usagef("health: the ops endpoint is off: set ops.listen or CHOKEPOINT_OPS as serve has it, or pass --url")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usagef("health: ops address %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

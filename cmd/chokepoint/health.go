package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// cmdHealth probes a running server's /healthz: the container HEALTHCHECK,
// since the runtime image has no curl.
func cmdHealth(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "health", "[flags]", "Exits 0 when a running chokepoint serve answers its health check.")
	url := fs.String("url", "http://127.0.0.1:9090/healthz", "health `URL` to probe")
	if err := parseFlags(fs, args); err != nil {
		return err
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

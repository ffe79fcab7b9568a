package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestHealthFollowsOpsAddress: without --url, health probes /healthz at
// the ops address serve is configured with, from the environment or the
// configuration file.
func TestHealthFollowsOpsAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok\n"))
	}))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want int
	}{
		{"environment", map[string]string{"CHOKEPOINT_OPS": "127.0.0.1:" + port}, nil, 0},
		{"every interface", map[string]string{"CHOKEPOINT_OPS": ":" + port}, nil, 0},
		{"config file", nil, []string{"--config", writeConfig(t, "ops:\n  listen: 127.0.0.1:"+port+"\n")}, 0},
		{"url wins", map[string]string{"CHOKEPOINT_OPS": "127.0.0.1:1"}, []string{"--url", srv.URL + "/healthz"}, 0},
		{"ops off", nil, nil, 2},
		{"bad address", map[string]string{"CHOKEPOINT_OPS": "9090"}, nil, 2},
		{"nothing listening", map[string]string{"CHOKEPOINT_OPS": "127.0.0.1:1"}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := runCLI(t, tc.env, append([]string{"health"}, tc.args...)...)
			if code, msg := c.code(); code != tc.want {
				t.Errorf("health: exit %d (%s), want %d", code, msg, tc.want)
			}
			if tc.want == 0 && c.stdout != "ok\n" {
				t.Errorf("health printed %q, want ok", c.stdout)
			}
		})
	}
}

// TestDockerfileHealthCheck: the image's health check asks the command
// where ops listens, and the image turns ops on through the environment,
// so overriding the command (serve --http :8080, say) keeps the container
// healthy.
func TestDockerfileHealthCheck(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	hc := regexp.MustCompile(`(?m)^HEALTHCHECK(?:[^\n]*\\\n)*[^\n]*`).FindString(df)
	if hc == "" || !strings.Contains(hc, `"health"`) {
		t.Fatalf("no HEALTHCHECK running chokepoint health in the Dockerfile:\n%s", df)
	}
	if strings.Contains(hc, "--url") || strings.Contains(hc, "9090") {
		t.Errorf("HEALTHCHECK names its own address, which the command cannot change: %s", hc)
	}
	if !regexp.MustCompile(`CHOKEPOINT_OPS=:\d+`).MatchString(df) {
		t.Errorf("the image does not turn ops on through CHOKEPOINT_OPS")
	}
	cmd := regexp.MustCompile(`(?m)^CMD .*$`).FindString(df)
	if strings.Contains(cmd, "--ops") {
		t.Errorf("default command %s sets --ops, which the health check cannot see", cmd)
	}
}

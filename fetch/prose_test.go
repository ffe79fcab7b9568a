package fetch

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// randomPrintable returns n printable ASCII characters from a fixed seed,
// a space now and then: garbage with no control character in it.
func randomPrintable(n int) string {
	r := rand.New(rand.NewPCG(3, 4))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(0x21 + r.UintN(0x7e-0x21))
		if r.UintN(8) == 0 {
			b[i] = ' '
		}
	}
	return strings.NewReplacer("<", " ", "&", " ").Replace(string(b))
}

// randomBytes returns n bytes from a fixed seed, like the garbage the
// report saw served as text/html.
func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func TestFetchRefusesTextThatIsNotProse(t *testing.T) {
	words := strings.Fields(strings.Repeat("rare earth magnet cobalt lithium graphite tungsten gallium germanium antimony ", 8))
	pages := map[string][]byte{
		"/random":    randomBytes(8192),
		"/random2":   append([]byte("<html><body><article><p>"), append(randomBytes(4096), "</p></article></body></html>"...)...),
		"/control":   []byte("<html><body><article><p>" + strings.Repeat("China refines most rare earths.\x01\x02\x03 ", 12) + "</p></article></body></html>"),
		"/cloud":     []byte("<html><body><article><p>" + strings.Join(words, " ") + "</p></article></body></html>"),
		"/numbers":   []byte("<html><body><article><p>" + strings.Repeat("3.14159265358979 2.71828182845904 1.41421356237309. ", 12) + "</p></article></body></html>"),
		"/printable": []byte("<html><body><article><p>" + randomPrintable(3000) + "</p></article></body></html>"),
		"/few":       []byte("<html><body><article><p>Refining matters.</p><p>" + strings.Repeat("https://example.com/a/very/long/path/that/is/not/words ", 6) + "</p></article></body></html>"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write(pages[r.URL.Path])
	}))
	defer srv.Close()
	for path, want := range map[string]string{
		"/random":    "not readable prose",
		"/random2":   "not readable prose",
		"/control":   "control or invalid character U+0001",
		"/cloud":     "no sentence",
		"/numbers":   "too few words",
		"/few":       "too few words",
		"/printable": "not readable prose",
	} {
		_, err := Fetch(context.Background(), srv.URL+path, testOpts())
		if !errors.Is(err, errNotProse) || !strings.Contains(err.Error(), want) {
			t.Errorf("Fetch(%s) = %v, want %v saying %q", path, err, errNotProse, want)
		}
	}
}

func TestCheckProseAcceptsArticles(t *testing.T) {
	for _, text := range []string{
		"China dominates the separation of rare earth oxides and the production of metals and magnets, which gives it leverage over every buyer in the West. Western projects need decades of investment.",
		"# Heading\n\n- a list item without a full stop\n- another item of the list\n- a third item about magnets\n\nThe one sentence of this page says that refining, not mining, is where the chokepoint sits today.",
		"Китай контролирует переработку редкоземельных металлов и производство магнитов, и это даёт ему рычаг над покупателями. Западные проекты требуют десятилетий инвестиций и терпеливого капитала, прежде чем смогут конкурировать.",
		"Der Abbau seltener Erden ist nicht das Problem; die Trennung der Oxide und die Herstellung von Magneten sind es, und dort dominiert China den Markt fast vollständig.",
	} {
		if err := checkProse(text); err != nil {
			t.Errorf("checkProse(%.40q) = %v, want nil", text, err)
		}
	}
}

package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestRESTAPIEndpointTable keeps the endpoint table of docs/emulator.md ("The
// REST API for backends") in sync with what the emulator serves: every
// documented endpoint once, in the emulator's order, with its onBehalfOf
// rule and served or not, and the counts of the text.
func TestRESTAPIEndpointTable(t *testing.T) {
	doc := readFile(t, filepath.Join("..", "..", "docs", "emulator.md"))
	m := regexp.MustCompile(`(?s)<!-- endpoints -->\n(.*?)<!-- /endpoints -->`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("no <!-- endpoints --> table in docs/emulator.md")
	}
	var rows []string
	for _, line := range strings.Split(strings.TrimSpace(m[1]), "\n")[2:] {
		rows = append(rows, strings.TrimSpace(line))
	}
	eps := fakeserver.RESTEndpoints()
	served := 0
	for i, e := range eps {
		state := "yes"
		if e.Served {
			served++
		} else {
			state = "no: " + e.Reason
		}
		want := fmt.Sprintf("| %s | %s | `%s %s` | %s | %s |", e.Resource, e.Title, e.Method, e.Path, e.OnBehalfOf, state)
		want = strings.ReplaceAll(want, "|  |", "| |")
		if i >= len(rows) {
			t.Fatalf("the table ends before %s %s", e.Method, e.Path)
		}
		if got := strings.ReplaceAll(rows[i], "|  |", "| |"); got != want {
			t.Fatalf("row %d:\n got %s\nwant %s", i+1, got, want)
		}
	}
	if len(rows) != len(eps) {
		t.Fatalf("the table has %d rows, the emulator %d endpoints", len(rows), len(eps))
	}
	counts := fmt.Sprintf("**%d documented endpoints, %d served, %d not\nserved**", len(eps), served, len(eps)-served)
	if !strings.Contains(doc, counts) && !strings.Contains(doc, strings.ReplaceAll(counts, "\n", " ")) {
		t.Fatalf("docs/emulator.md does not say %q", counts)
	}
	for _, r := range fakeserver.NotServedResources() {
		if !strings.Contains(doc, "`"+r[0]) {
			t.Errorf("the not-served resource %s (%s) is not named in docs/emulator.md", r[1], r[0])
		}
	}
}

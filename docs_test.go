package cometchat_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goNames holds the exported names of a package's non-test files.
type goNames struct {
	methods map[string]bool // "Type.Method"
	names   map[string]bool // functions, types, consts, vars, fields, methods
}

func parseExported(t *testing.T, dirs ...string) goNames {
	t.Helper()
	n := goNames{methods: map[string]bool{}, names: map[string]bool{}}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			require.NoError(t, err)
			ast.Inspect(f, func(node ast.Node) bool {
				switch d := node.(type) {
				case *ast.FuncDecl:
					if d.Recv != nil && len(d.Recv.List) == 1 {
						recv := d.Recv.List[0].Type
						if star, ok := recv.(*ast.StarExpr); ok {
							recv = star.X
						}
						if id, ok := recv.(*ast.Ident); ok {
							n.methods[id.Name+"."+d.Name.Name] = true
						}
					}
					n.names[d.Name.Name] = true
				case *ast.TypeSpec:
					n.names[d.Name.Name] = true
				case *ast.ValueSpec:
					for _, id := range d.Names {
						n.names[id.Name] = true
					}
				case *ast.Field:
					for _, id := range d.Names {
						n.names[id.Name] = true
					}
				}
				return true
			})
		}
	}
	return n
}

// cordovaRow matches a row of docs/cordova.md's tables and captures its
// reference (the last column).
var cordovaRow = regexp.MustCompile(`^\| .* \| ([A-Z]+-\d+) \|$`)

// TestCordovaTableIsTrue checks the Go column of docs/cordova.md against the
// code: every method written as
// `func (x *T) Name(` exists on T, every `func Name(` and every
// `cometchat.Name` exists, and every constant named `CodeX` exists.
func TestCordovaTableIsTrue(t *testing.T) {
	raw, err := os.ReadFile("docs/cordova.md")
	require.NoError(t, err)
	names := parseExported(t, ".")
	testNames := parseExported(t, "cometchattest")

	method := regexp.MustCompile(`func \(\w+ \*?(\w+)\) (\w+)\(`)
	function := regexp.MustCompile(`func ([A-Z]\w*)\(`)
	qualified := regexp.MustCompile(`\b(cometchat|cometchattest)\.([A-Z]\w*)`)
	code := regexp.MustCompile("`(Code[A-Z]\\w*)`")
	// `Name(args) *XBuilder`: a builder method, receiver named by the result.
	builder := regexp.MustCompile("`([A-Z]\\w*)\\([^`]*\\) \\*(\\w+Builder)`")
	build := regexp.MustCompile("`Build\\(\\) \\(\\*(\\w+), error\\)`")
	field := regexp.MustCompile("field `([A-Z]\\w*) ")
	typ := regexp.MustCompile("`type ([A-Z]\\w*) ")
	ident := regexp.MustCompile("`([A-Z][A-Z0-9]*[a-z]\\w*)`") // CamelCase, not a wire code

	// Each rule: what a match names, and whether the code has it.
	type rule struct {
		re   *regexp.Regexp
		find func(m []string) (string, bool)
	}
	has := func(what string, set map[string]bool, key string) (string, bool) { return what + key, set[key] }
	rules := []rule{
		{method, func(m []string) (string, bool) { return has("method ", names.methods, m[1]+"."+m[2]) }},
		{function, func(m []string) (string, bool) { return has("func ", names.names, m[1]) }},
		{qualified, func(m []string) (string, bool) {
			if m[1] == "cometchattest" {
				return has("cometchattest.", testNames.names, m[2])
			}
			return has("cometchat.", names.names, m[2])
		}},
		{builder, func(m []string) (string, bool) { return has("method ", names.methods, m[2]+"."+m[1]) }},
		{build, func(m []string) (string, bool) { return has("method ", names.methods, m[1]+"Builder.Build") }},
	}
	for _, re := range []*regexp.Regexp{code, field, typ, ident} {
		rules = append(rules, rule{re, func(m []string) (string, bool) { return has("", names.names, m[1]) }})
	}

	rows, checked := 0, 0
	var missing []string
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(line, " | ")
		m := cordovaRow.FindStringSubmatch(line)
		if m == nil || len(cells) != 3 {
			continue
		}
		rows++
		id, goCol := m[1], cells[1]
		for _, r := range rules {
			for _, m := range r.re.FindAllStringSubmatch(goCol, -1) {
				checked++
				if what, ok := r.find(m); !ok {
					missing = append(missing, id+": "+what)
				}
			}
		}
	}
	t.Logf("%d rows, %d Go names checked", rows, checked)
	require.Greater(t, rows, 300, "the table was not found")
	require.Greater(t, checked, 400, "too few Go names recognised in the table")
	require.Empty(t, missing, "docs/cordova.md names Go API that does not exist")
}

// TestCordovaTableIsComplete checks docs/cordova.md against the surface
// checklist (testdata/surface_ids.txt): every P0 and P1 item has a row,
// every P2 item is named (in a row, or among the items left out with the
// reason), and the N/A items are the WebRTC rows the out-of-scope section
// names.
func TestCordovaTableIsComplete(t *testing.T) {
	raw, err := os.ReadFile("docs/cordova.md")
	require.NoError(t, err)
	readme := string(raw)
	rows := map[string]bool{}
	for _, line := range strings.Split(readme, "\n") {
		if m := cordovaRow.FindStringSubmatch(line); m != nil {
			rows[m[1]] = true
		}
	}
	ids, err := os.ReadFile("testdata/surface_ids.txt")
	require.NoError(t, err)
	var tiers = map[string]int{}
	var missing []string
	for _, line := range strings.Split(string(ids), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || strings.HasPrefix(line, "#") {
			continue
		}
		id, tier := f[0], f[1]
		tiers[tier]++
		switch tier {
		case "P0", "P1":
			if !rows[id] {
				missing = append(missing, id+" ("+tier+") has no row")
			}
		case "P2":
			if !regexp.MustCompile(`\b` + id + `\b`).MatchString(readme) {
				missing = append(missing, id+" (P2) is not named")
			}
		case "N/A":
			var n int
			_, err := fmt.Sscanf(id, "CALL-%d", &n)
			if err != nil || n < 21 || n > 68 {
				missing = append(missing, id+" (N/A) is outside CALL-21…CALL-68")
			}
		default:
			t.Fatalf("unknown tier %q of %s", tier, id)
		}
	}
	require.Equal(t, map[string]int{"P0": 259, "P1": 84, "P2": 42, "N/A": 48}, tiers, "testdata/surface_ids.txt")
	require.Contains(t, readme, "CALL-21 … CALL-68", "the out-of-scope section names the N/A rows")
	require.Empty(t, missing)
}

// TestReadmeIsForAFirstReader keeps the README short: what it is, the two
// commands, install, a tour, testing with the emulator, the guarantees,
// limits and links; everything else lives in docs/ and CONTRIBUTING.md.
func TestReadmeIsForAFirstReader(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	require.NoError(t, err)
	lines := strings.Count(string(raw), "\n")
	require.LessOrEqual(t, lines, 260, "the README grew to %d lines", lines)
	for _, must := range []string{"go run ./examples/quickstart", "go test -race ./...", "docs/cordova.md",
		"docs/decisions.md", "docs/emulator.md", "CONTRIBUTING.md", "## Limits and security", "## Layout"} {
		require.Contains(t, string(raw), must)
	}
}

// TestReadmeTourIsTheExample: the README's tour is the code between
// "tour:begin" and "tour:end" in Example, so it compiles and runs.
func TestReadmeTourIsTheExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	src, err := os.ReadFile("example_tour_test.go")
	require.NoError(t, err)
	s := string(src)
	begin, end := strings.Index(s, "// tour:begin\n"), strings.Index(s, "\t// tour:end")
	require.True(t, begin > 0 && end > begin)
	var want []string
	for _, l := range strings.Split(strings.TrimRight(s[begin+len("// tour:begin\n"):end], "\n"), "\n") {
		want = append(want, strings.TrimPrefix(l, "\t"))
	}
	require.Contains(t, string(readme), "```go\n"+strings.Join(want, "\n")+"\n```", "the README's tour differs from Example")
}

// markdownFiles lists the repository's Markdown files (git ls-files would
// need git; walking is enough and skips what tests and tools write).
func markdownFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "artifacts" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") {
			out = append(out, path)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// TestDocLinksResolve: every relative link of every Markdown file names a
// file of the repository (and, with #anchor, a heading of it).
func TestDocLinksResolve(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	files := markdownFiles(t)
	require.Greater(t, len(files), 5)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range link.FindAllStringSubmatch(string(raw), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			full := f
			if path != "" {
				full = filepath.Join(filepath.Dir(f), path)
				_, err := os.Stat(full)
				require.NoError(t, err, "%s links to %s, which does not exist", f, target)
			}
			if anchor != "" {
				doc, err := os.ReadFile(full)
				require.NoError(t, err)
				require.True(t, hasAnchor(string(doc), anchor), "%s links to %s: no such heading", f, target)
			}
		}
	}
}

// hasAnchor reports whether a Markdown document has a heading whose
// GitHub-style anchor is anchor.
func hasAnchor(doc, anchor string) bool {
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(l, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(l, "#")))
		var b strings.Builder
		for _, r := range h {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			}
		}
		if b.String() == anchor {
			return true
		}
	}
	return false
}

// TestNothingCitesADocumentOutsideTheRepository: no Go or Markdown file
// points at the design notes this project started from, which are not part
// of it; "decision N" means a section of docs/decisions.md, which must exist.
func TestNothingCitesADocumentOutsideTheRepository(t *testing.T) {
	decisions, err := os.ReadFile("docs/decisions.md")
	require.NoError(t, err)
	// The pattern names those notes in pieces, so that this file, which is
	// checked too, does not cite them itself.
	dir := "sha" + "red"
	outside := regexp.MustCompile(`\.\./` + dir + `|` + dir + `/protocol|protocol/(server|rest|websocket|decisions)\.md` +
		`|\b(surface|server|rest|websocket)\.md\b|surface ` + `inventory`)
	cited := regexp.MustCompile(`(?i)\bdecision (\d+)\b`)
	var files []string
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "artifacts" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".md")) {
			files = append(files, path)
		}
		return nil
	})
	require.NoError(t, err)
	var problems []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		text := string(raw)
		for _, m := range outside.FindAllString(text, -1) {
			problems = append(problems, f+": cites "+m)
		}
		for _, m := range cited.FindAllStringSubmatch(text, -1) {
			if !strings.Contains(string(decisions), "### "+m[1]+". ") {
				problems = append(problems, f+": cites decision "+m[1]+", which docs/decisions.md does not have")
			}
		}
	}
	require.Empty(t, problems)
}

// TestProgramFilesAreOfReadableSize holds the layout's promise that no
// non-test Go file grows past 600 lines: past that, split it by job.
func TestProgramFilesAreOfReadableSize(t *testing.T) {
	var long []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if n := strings.Count(string(raw), "\n"); n > 600 {
			long = append(long, fmt.Sprintf("%s: %d lines", path, n))
		}
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, long, "split these files by job")
}

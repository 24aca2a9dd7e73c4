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

// readmeRow matches a row of the README's table and captures its ID.
var readmeRow = regexp.MustCompile(`^\| ([A-Z]+-\d+)`)

// TestReadmeTableIsTrue checks the Go column of the README's "Cordova call →
// Go call" table against the code: every method written as
// `func (x *T) Name(` exists on T, every `func Name(` and every
// `cometchat.Name` exists, and every constant named `CodeX` exists.
func TestReadmeTableIsTrue(t *testing.T) {
	raw, err := os.ReadFile("README.md")
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
		if !readmeRow.MatchString(line) || len(cells) < 3 {
			continue
		}
		rows++
		id, goCol := strings.TrimPrefix(cells[0], "| "), cells[len(cells)-1]
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
	require.Empty(t, missing, "the README names Go API that does not exist")
}

// TestReadmeTableIsComplete checks the README against the surface checklist
// (testdata/surface_ids.txt, copied from the project's surface inventory):
// every P0 and P1 item has a row in the table, every P2 item is named (in a
// row, or among the items left out with the reason), and the N/A items are
// the WebRTC rows the out-of-scope section names.
func TestReadmeTableIsComplete(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	require.NoError(t, err)
	readme := string(raw)
	rows := map[string]bool{}
	for _, line := range strings.Split(readme, "\n") {
		if m := readmeRow.FindStringSubmatch(line); m != nil {
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

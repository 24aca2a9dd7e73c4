package cometchattest_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat/cometchattest"
)

// TestGoDocListsConfigFields runs what a user types, go doc, and checks
// that Config shows its fields (it showed none while it was an alias of an
// internal type) and that a field can be looked up.
func TestGoDocListsConfigFields(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goTool, "doc", ".", "Config").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, f := range reflect.VisibleFields(reflect.TypeOf(cometchattest.Config{})) {
		listed := regexp.MustCompile(`(?m)^\t(\w+, )*` + f.Name + `[ ,]`)
		require.Regexp(t, listed, string(out), "go doc Config does not list %s", f.Name)
	}
	out, err = exec.Command(goTool, "doc", ".", "Config.AppID").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), `default "fake-app"`)
}

// TestEverythingIsDocumented parses the package with go/doc: every exported
// type, field, function, method, constant and variable has a doc comment,
// and no exported type is an alias (an alias of an internal type hides its
// fields from go doc).
func TestEverythingIsDocumented(t *testing.T) {
	fset := token.NewFileSet()
	var files []*ast.File
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/gocometchat/cometchat/cometchattest")
	require.NoError(t, err)
	var missing []string
	need := func(name, text string) {
		if strings.TrimSpace(text) == "" {
			missing = append(missing, name)
		}
	}
	need("package", pkg.Doc)
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				for _, id := range vs.Names {
					if id.IsExported() {
						need(id.Name, vs.Doc.Text()+v.Doc)
					}
				}
			}
		}
	}
	values(pkg.Consts)
	values(pkg.Vars)
	for _, f := range pkg.Funcs {
		need(f.Name, f.Doc)
	}
	for _, typ := range pkg.Types {
		need(typ.Name, typ.Doc)
		spec := typ.Decl.Specs[0].(*ast.TypeSpec)
		require.False(t, spec.Assign.IsValid(), "%s is an alias: go doc shows nothing of it", typ.Name)
		values(typ.Consts)
		values(typ.Vars)
		for _, f := range typ.Funcs {
			need(f.Name, f.Doc)
		}
		for _, m := range typ.Methods {
			need(typ.Name+"."+m.Name, m.Doc)
		}
		var fields []*ast.Field
		switch st := spec.Type.(type) {
		case *ast.StructType:
			fields = st.Fields.List
		case *ast.InterfaceType:
			fields = st.Methods.List
		}
		for _, f := range fields {
			for _, id := range f.Names {
				if id.IsExported() {
					need(typ.Name+"."+id.Name, f.Doc.Text())
				}
			}
		}
	}
	require.Empty(t, missing, "exported names without a doc comment")
}

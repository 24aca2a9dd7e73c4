package cometchat

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// exportedCodes lists the Code constants declared in codes.go.
func exportedCodes(t *testing.T) []Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	require.NoError(t, err)
	var out []Code
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !name.IsExported() || !strings.HasPrefix(name.Name, "Code") {
					continue
				}
				switch v := vs.Values[i].(type) {
				case *ast.BasicLit:
					s, err := strconv.Unquote(v.Value)
					require.NoError(t, err)
					out = append(out, Code(s))
				case *ast.SelectorExpr: // rest.CodeX
					out = append(out, map[string]Code{"CodeFailedToFetch": CodeFailedToFetch, "CodeRedirectRefused": CodeRedirectRefused}[v.Sel.Name])
				}
			}
		}
	}
	return out
}

// Every code is an error that errors.Is matches against any *Error with that
// code (wrapped or not), and every code has a sentence.
func TestEveryCodeMatchesWithErrorsIsAndHasASentence(t *testing.T) {
	codes := exportedCodes(t)
	require.Greater(t, len(codes), 60)
	for i, c := range codes {
		require.NotEmpty(t, c)
		s, ok := codeSentences[c]
		require.True(t, ok, "%s has no sentence", c)
		require.Equal(t, "cometchat: "+string(c)+": "+s, (&Error{Code: c}).Error())
		err := fmt.Errorf("doing something: %w", &Error{Code: c, Message: "details"})
		require.ErrorIs(t, err, c)
		require.ErrorIs(t, err, &Error{Code: c})
		other := codes[(i+1)%len(codes)]
		require.False(t, errors.Is(err, other), "%s matched %s", c, other)
		var e *Error
		require.ErrorAs(t, err, &e)
	}
	require.Equal(t, "cometchat: ERR_SOMETHING_NEW: CometChat answered with this code", (&Error{Code: "ERR_SOMETHING_NEW"}).Error())
}

// A closed client answers with a new error each time: changing one cannot
// change what another caller sees.
func TestErrorsAreNotShared(t *testing.T) {
	c, err := New("app", AppSettings{})
	require.NoError(t, err)
	require.NoError(t, c.Close())
	e1 := c.WaitConnected(t.Context())
	require.ErrorIs(t, e1, CodeClosed)
	var p1, p2 *Error
	require.ErrorAs(t, e1, &p1)
	require.ErrorAs(t, c.Connect(t.Context()), &p2)
	require.NotSame(t, p1, p2)
	p1.Message = "changed"
	require.NotContains(t, p2.Error(), "changed")
	require.Equal(t, "cometchat: CLIENT_CLOSED: the client is closed", p2.Error())
}

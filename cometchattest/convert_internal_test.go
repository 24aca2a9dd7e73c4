package cometchattest

import (
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// fill sets every field of the struct v points to a non-zero value.
func fill(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x" + v.Type().Field(i).Name)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(7 + i))
		case reflect.Slice:
			s := reflect.MakeSlice(f.Type(), 1, 1)
			switch e := s.Index(0); e.Kind() {
			case reflect.Struct:
				fill(t, e)
			case reflect.String:
				e.SetString("x")
			default: // bytes: JSON
				e.Set(reflect.ValueOf(byte('1')))
			}
			f.Set(s)
		case reflect.Map:
			f.Set(reflect.ValueOf(map[string]bool{"feature": true}))
		case reflect.Struct:
			fill(t, f)
		case reflect.Func:
			f.Set(reflect.ValueOf(func() time.Time { return time.Unix(42, 0) }))
		case reflect.Pointer:
			f.Set(reflect.ValueOf(slog.Default()))
		default:
			t.Fatalf("field %s: kind %s not handled", v.Type().Field(i).Name, f.Kind())
		}
	}
}

// TestConfigMirrorsTheServer checks that Config has every field of the
// fake server's configuration, of the same kind, and that both conversions
// carry each one: a field added to the server but not here fails it.
func TestConfigMirrorsTheServer(t *testing.T) {
	ours, theirs := reflect.TypeOf(Config{}), reflect.TypeOf(fakeserver.Config{})
	require.Equal(t, theirs.NumField(), ours.NumField())
	for i := 0; i < theirs.NumField(); i++ {
		f, ok := ours.FieldByName(theirs.Field(i).Name)
		require.True(t, ok, "Config lacks %s", theirs.Field(i).Name)
		require.Equal(t, theirs.Field(i).Type.Kind(), f.Type.Kind(), "Config.%s", f.Name)
	}

	var c Config
	fill(t, reflect.ValueOf(&c).Elem())
	fc := c.internal()
	fv := reflect.ValueOf(fc)
	for i := 0; i < fv.NumField(); i++ {
		require.False(t, fv.Field(i).IsZero(), "Config.%s is not passed to the server", theirs.Field(i).Name)
	}
	back := configOf(fc)
	require.Equal(t, time.Unix(42, 0), back.Now())
	c.Now, back.Now = nil, nil
	require.Equal(t, c, back)
}

// TestTypesConvert checks the conversions of the other types (they are
// struct conversions, so a field the server adds breaks the build).
func TestTypesConvert(t *testing.T) {
	var u User
	fill(t, reflect.ValueOf(&u).Elem())
	require.Equal(t, u, usersOf([]fakeserver.User{fakeserver.User(u)})[0])
	var m Message
	fill(t, reflect.ValueOf(&m).Elem())
	require.Equal(t, m, messagesOf([]fakeserver.Message{fakeserver.Message(m)})[0])
	require.Nil(t, membersOf(nil))
	require.Nil(t, pushTokensOf(nil))
	require.Empty(t, usersOf(nil))
}

package main

import (
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestBannerNamesTheInspector: the banner says where the inspector page is.
func TestBannerNamesTheInspector(t *testing.T) {
	for _, plain := range []bool{false, true} {
		srv, err := fakeserver.New(fakeserver.Config{Plain: plain})
		if err != nil {
			t.Fatal(err)
		}
		b := banner(srv, bannerInfo{})
		want := "  inspector:     " + srv.InspectorURL()
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b, want) {
			t.Fatalf("the banner lacks %q:\n%s", want, b)
		}
	}
}

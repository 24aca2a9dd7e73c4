package cometchat

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gocometchat/cometchat/internal/rest"
)

// Extension is an extension enabled for the app (Cordova: CCExtension).
type Extension struct {
	// ID is the extension's slug, e.g. "reactions".
	ID string `json:"id"`
	// Name is its display name.
	Name string `json:"name"`
}

// appFeatures is the part of the server's settings that lists extensions and
// feature parameters. A nil field means the key was absent.
type appFeatures struct {
	Extensions *[]Extension               `json:"extensions"`
	Parameters map[string]json.RawMessage `json:"parameters"`
}

// fetchFeatures reads the app's settings (GET settings) as the logged-in
// user. The Cordova SDK reads a cached copy; this SDK asks the server each
// time, so a change made in the dashboard is seen without a new login.
func (c *Client) fetchFeatures(ctx context.Context) (*appFeatures, error) {
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: "settings"})
	if err != nil {
		return nil, err
	}
	var f appFeatures
	if err := json.Unmarshal(resp.Data, &f); err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent settings that cannot be read", Err: err}
	}
	return &f, nil
}

// ExtensionDetails returns the extension with this ID when it is enabled for
// the app (Cordova: getExtensionDetails). An extension that is not enabled
// gives ERROR_EXTENSION_NOT_FOUND; an empty ID gives ERROR_INVALID_EXTENSION.
func (c *Client) ExtensionDetails(ctx context.Context, id string) (*Extension, error) {
	if strings.TrimSpace(id) == "" {
		return nil, errorf(CodeInvalidExtension, "the provided extension cannot be null or empty; please provide a valid extension")
	}
	f, err := c.fetchFeatures(ctx)
	if err != nil {
		return nil, err
	}
	if f.Extensions != nil {
		for _, e := range *f.Extensions {
			if strings.EqualFold(e.ID, id) {
				return &e, nil
			}
		}
	}
	return nil, errorf(CodeExtensionNotFound, "the provided extension could not be found")
}

// IsExtensionEnabled reports whether the extension with this ID is enabled for
// the app (Cordova: isExtensionEnabled). Settings without an extension list
// give ERROR_EXTENSION_NOT_FOUND, as in Cordova; an empty ID gives
// ERROR_INVALID_EXTENSION.
func (c *Client) IsExtensionEnabled(ctx context.Context, id string) (bool, error) {
	if strings.TrimSpace(id) == "" {
		return false, errorf(CodeInvalidExtension, "the provided extension cannot be null or empty; please provide a valid extension")
	}
	f, err := c.fetchFeatures(ctx)
	if err != nil {
		return false, err
	}
	if f.Extensions == nil {
		return false, errorf(CodeExtensionNotFound, "the server's settings list no extensions")
	}
	for _, e := range *f.Extensions {
		if strings.EqualFold(e.ID, id) {
			return true, nil
		}
	}
	return false, nil
}

// IsFeatureEnabled reports whether a feature parameter of the app is on
// (Cordova: isFeatureEnabled). A parameter is on when its value is JSON true;
// an absent parameter is off. Settings without parameters give
// ERROR_FEATURE_NOT_FOUND, as in Cordova; an empty name gives
// ERROR_INVALID_FEATURE.
func (c *Client) IsFeatureEnabled(ctx context.Context, feature string) (bool, error) {
	if strings.TrimSpace(feature) == "" {
		return false, errorf(CodeInvalidFeature, "the provided feature cannot be null or empty; please provide a valid feature")
	}
	f, err := c.fetchFeatures(ctx)
	if err != nil {
		return false, err
	}
	if f.Parameters == nil {
		return false, errorf(CodeFeatureNotFound, "the server's settings carry no feature parameters")
	}
	var on bool
	if json.Unmarshal(f.Parameters[feature], &on) != nil {
		return false, nil
	}
	return on, nil
}

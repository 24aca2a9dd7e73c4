package cometchat

import (
	"strings"

	"github.com/gocometchat/cometchat/internal/wire"
)

// region for default hosts; "private" is replaced by the app ID, as in Cordova.
func (c *Client) region() string {
	if c.settings.Region == RegionPrivate {
		return c.appID
	}
	return string(c.settings.Region)
}

func (c *Client) adminBase() string {
	if c.settings.AdminHost != "" {
		return c.settings.AdminHost
	}
	s := c.sess.settings()
	if s != nil && s.AdminAPIHost != "" {
		return "https://" + string(s.AdminAPIHost) + "/" + versionOf(s)
	}
	return "https://" + c.appID + ".api-" + c.region() + ".cometchat.io/" + apiVersion
}

func (c *Client) clientBase() string {
	if c.settings.ClientHost != "" {
		return c.settings.ClientHost
	}
	s := c.sess.settings()
	if s != nil && s.ClientAPIHost != "" {
		return "https://" + string(s.ClientAPIHost) + "/" + versionOf(s)
	}
	return "https://" + c.appID + ".apiclient-" + c.region() + ".cometchat.io/" + apiVersion
}

func versionOf(s *wire.Settings) string {
	if s.ChatAPIVersion != "" {
		return string(s.ChatAPIVersion)
	}
	return apiVersion
}

func (c *Client) websocketURL() (string, error) {
	if c.settings.WebsocketURL != "" {
		return c.settings.WebsocketURL, nil
	}
	s := c.sess.settings()
	if s == nil {
		return "", errorf(CodeNoWebsocketConnection, "the server sent no settings; set AppSettings.WebsocketURL")
	}
	host := string(s.ChatHostOverride)
	if host == "" {
		host = string(s.ChatHostAppSpecific)
	}
	if host == "" {
		host = string(s.ChatHost)
	}
	if host == "" || s.ChatWSSPort == "" {
		return "", errorf(CodeNoWebsocketConnection, "the server's settings lack CHAT_HOST or CHAT_WSS_PORT")
	}
	scheme := "wss"
	if strings.HasPrefix(c.settings.ClientHost, "http://") {
		scheme = "ws"
	}
	return scheme + "://" + host + ":" + string(s.ChatWSSPort), nil
}

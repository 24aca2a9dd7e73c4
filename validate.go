package cometchat

import "strings"

// validID reports whether s is a valid CometChat UID or GUID: letters, digits,
// '_' and '-', 1 to 100 characters.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

func checkUID(uid string) error {
	if !validID(uid) {
		return errorf(CodeInvalidUID, "invalid UID %q: use 1 to 100 letters, digits, '_' or '-'", clip(uid))
	}
	return nil
}

func checkGUID(guid string) error {
	if !validID(guid) {
		return errorf(CodeInvalidGUID, "invalid GUID %q: use 1 to 100 letters, digits, '_' or '-'", clip(guid))
	}
	return nil
}

func checkReceiver(id string, t ReceiverType) error {
	switch t {
	case ReceiverTypeUser:
		return checkUID(id)
	case ReceiverTypeGroup:
		return checkGUID(id)
	default:
		return errorf(CodeInvalidReceiverType, "receiver type must be %q or %q, not %q", ReceiverTypeUser, ReceiverTypeGroup, clip(string(t)))
	}
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

package cometchattest

// InspectorURL is the URL of the server's inspector page, e.g.
// "https://127.0.0.1:port/_fake/ui/": open it in a browser (on this
// machine) to watch the state live, chat as any user and inject faults
// while a test runs. The browser must trust CertPEM.
func (s *Server) InspectorURL() string { return s.fs.InspectorURL() }

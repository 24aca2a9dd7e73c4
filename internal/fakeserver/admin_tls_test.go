package fakeserver_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// devCA makes a CA and a server certificate for 127.0.0.1 signed by it, as
// mkcert does, and writes the server's certificate and key to dir.
func devCA(t *testing.T, dir string) (pool *x509.CertPool, certFile, keyFile string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dev CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "dev server"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(ca)
	return pool, certFile, keyFile
}

// TestTLSCertificateFiles: with TLSCertFile and TLSKeyFile the server serves
// the developer's certificate, which clients trusting the developer's CA
// accept, and CertPEM holds that certificate (never the key).
func TestTLSCertificateFiles(t *testing.T) {
	dir := t.TempDir()
	pool, certFile, keyFile := devCA(t, dir)
	srv, err := fakeserver.New(fakeserver.Config{TLSCertFile: certFile, TLSKeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(srv.BaseURL() + "/settings")
	if err != nil {
		t.Fatalf("a client trusting the developer's CA: %v", err)
	}
	resp.Body.Close()
	want, _ := os.ReadFile(certFile)
	if got := srv.CertPEM(); string(got) != string(want) {
		t.Fatalf("CertPEM is not the certificate file:\n%s", got)
	}
	if _, err := fakeserver.New(fakeserver.Config{TLSCertFile: certFile}); err == nil {
		t.Fatal("a certificate without its key was accepted")
	}
	if _, err := fakeserver.New(fakeserver.Config{TLSCertFile: certFile, TLSKeyFile: certFile}); err == nil {
		t.Fatal("a certificate whose key file holds no key was accepted")
	}
}

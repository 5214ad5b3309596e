package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// linkSigner makes download links that expire. The download still needs an
// authenticated editor; the signature keeps a copied link from working for long.
type linkSigner struct {
	secret  []byte
	baseURL string
	now     func() time.Time
}

func newLinkSigner(secret []byte, baseURL string) *linkSigner {
	return &linkSigner{secret: secret, baseURL: baseURL, now: time.Now}
}

func (l *linkSigner) sign(path string, exp int64) string {
	m := hmac.New(sha256.New, l.secret)
	fmt.Fprintf(m, "download:%s:%d", path, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// url returns an absolute link to path valid for life.
func (l *linkSigner) url(path string, life time.Duration) string {
	exp := l.now().Add(life).Unix()
	return fmt.Sprintf("%s%s?exp=%d&sig=%s", l.baseURL, path, exp, l.sign(path, exp))
}

// valid checks a link's expiry and signature.
func (l *linkSigner) valid(path, expStr, sig string) bool {
	exp, err := strconv.ParseInt(expStr, 10, 64)
	if err != nil || l.now().Unix() > exp {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(l.sign(path, exp)))
}

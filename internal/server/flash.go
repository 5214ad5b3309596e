package server

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
)

// Every form of the desk and the admin pages answers 303 to a GET page
// (post, redirect, get): a reload never posts again and the address can be
// shared. What the page then shows about the outcome, a notice, a message
// to keep in a confirmation step, the contact details just revealed or an
// invitation link shown once, travels in a flash: a cookie sealed with the
// server's secret (AES-GCM), read once by the page it names and forgotten.
// Nothing of it ever goes in a URL, and the browser cannot read or forge it.
const (
	flashCookie = "__Host-storydesk-flash"
	flashLife   = 2 * time.Minute
	flashKey    = "flash" // where a page finds the flash in the gin context
)

// flash is the outcome of a form, for the page it redirects to.
type flash struct {
	Path    string            `json:"p"` // the page it is for
	Expires int64             `json:"x"` // unix seconds
	Notice  string            `json:"n,omitempty"`
	Values  map[string]string `json:"v,omitempty"` // form values to put back (a confirmation step)
	Contact bool              `json:"c,omitempty"` // show the contact details, revealed and audited by the POST
	Invite  *shownInvite      `json:"i,omitempty"` // a new invitation link, shown once
}

// flasher seals and opens flashes.
type flasher struct{ aead cipher.AEAD }

func newFlasher(secret []byte) *flasher {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("storydesk flash v1"))
	block, err := aes.NewCipher(mac.Sum(nil)) // 32 bytes: AES-256
	if err != nil {
		panic(fmt.Sprintf("flash: %v", err)) // unreachable: the key size is fixed
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(fmt.Sprintf("flash: %v", err))
	}
	return &flasher{aead: aead}
}

// redirect answers a form with 303 to path (a local path, maybe with a
// query and a fragment), leaving f for that page.
func (fl *flasher) redirect(c *gin.Context, path string, f flash) error {
	u, err := url.Parse(path)
	if err != nil {
		return err
	}
	f.Path, f.Expires = u.Path, time.Now().Add(flashLife).Unix()
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	nonce := make([]byte, fl.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := fl.aead.Seal(nonce, nonce, raw, nil)
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(sealed),
		Path: "/", MaxAge: int(flashLife.Seconds()), Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusSeeOther, path)
	return nil
}

// take hands a GET page the flash left for it, and forgets it. A flash for
// another page stays until that page or its expiry.
func (fl *flasher) take(c *gin.Context) {
	if c.Request.Method != http.MethodGet {
		return
	}
	v, err := c.Cookie(flashCookie)
	if err != nil || v == "" {
		return
	}
	f, ok := fl.open(v)
	if ok && f.Path != c.Request.URL.Path {
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if ok {
		c.Set(flashKey, f)
	}
}

func (fl *flasher) open(v string) (flash, bool) {
	sealed, err := base64.RawURLEncoding.DecodeString(v)
	n := fl.aead.NonceSize()
	if err != nil || len(sealed) < n {
		return flash{}, false
	}
	raw, err := fl.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return flash{}, false
	}
	var f flash
	if json.Unmarshal(raw, &f) != nil || time.Now().Unix() > f.Expires {
		return flash{}, false
	}
	return f, true
}

// flashOf is the flash this page was given, or none.
func flashOf(c *gin.Context) flash {
	if v, ok := c.Get(flashKey); ok {
		if f, ok := v.(flash); ok {
			return f
		}
	}
	return flash{}
}
